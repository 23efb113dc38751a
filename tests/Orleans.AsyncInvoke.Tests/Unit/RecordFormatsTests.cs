using System.Text.Json;
using Orleans.AsyncInvoke.Destinations;

namespace Orleans.AsyncInvoke.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class RecordFormatsTests
{
    [Theory]
    [InlineData("queue://q?format=functiongraph", true)]
    [InlineData("queue://q?x=1&format=FunctionGraph", true)]
    [InlineData("queue://q", false)]
    [InlineData("https://h/p?format=lambda", false)]
    public void WantsFunctionGraph_WhenGivenADestination_ReadsItsFormatParameter(string destination, bool expected) =>
        Assert.Equal(expected, RecordFormats.WantsFunctionGraph(destination));

    [Fact]
    public void ToFunctionGraph_WhenThePayloadNestsAsDeepAsInvokeAccepts_StillReshapesTheRecord()
    {
        var payload = new string('[', 64) + new string(']', 64);
        var record = $$"""{"version":"1.0","requestContext":{"requestId":"r-deep","condition":"Success","approximateInvokeCount":1},"requestPayload":{{payload}}}""";

        using var shaped = JsonDocument.Parse(RecordFormats.ToFunctionGraph(record), new JsonDocumentOptions { MaxDepth = 128 });

        Assert.Equal("r-deep", shaped.RootElement.GetProperty("request_context").GetProperty("request_id").GetString());
        Assert.Equal(payload, shaped.RootElement.GetProperty("request_payload").GetRawText());
    }

    [Fact]
    public void ToFunctionGraph_WhenGivenARecord_UsesTheSnakeCaseShape()
    {
        const string record = """
            {"version":"1.0","timestamp":"2019-11-14T18:16:05.568Z",
             "requestContext":{"requestId":"r-1","functionArn":"arn:aws:lambda:cn-north-4:000000000000:function:fn:$LATEST","condition":"RetriesExhausted","approximateInvokeCount":3},
             "requestPayload":{"a":1},"responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"},
             "responsePayload":{"errorMessage":"m","errorType":"T"}}
            """;

        using var shaped = JsonDocument.Parse(RecordFormats.ToFunctionGraph(record));
        var root = shaped.RootElement;
        var context = root.GetProperty("request_context");

        Assert.Equal(("r-1", "urn:fss:cn-north-4:000000000000:function:default:fn:$LATEST", "RetriesExhausted", 3),
            (context.GetProperty("request_id").GetString(), context.GetProperty("function_urn").GetString(), context.GetProperty("condition").GetString(), context.GetProperty("approximate_invoke_count").GetInt32()));
        Assert.Equal((200, "Unhandled"), (root.GetProperty("response_context").GetProperty("status_code").GetInt32(), root.GetProperty("response_context").GetProperty("function_error").GetString()));
        Assert.Equal(1, root.GetProperty("request_payload").GetProperty("a").GetInt32());
        Assert.Equal("m", root.GetProperty("response_payload").GetProperty("errorMessage").GetString());
        Assert.False(root.TryGetProperty("requestContext", out _));
    }

    [Fact]
    public void ToFunctionGraph_WhenGivenARawEvent_LeavesItAlone() =>
        Assert.Equal("not a record", RecordFormats.ToFunctionGraph("not a record"));
}
