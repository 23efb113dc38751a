using System.Text;
using System.Text.Json;
using Orleans.AsyncInvoke.Invocations;

namespace Orleans.AsyncInvoke.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class InvocationRecordBuilderTests
{
    private static readonly DateTimeOffset At = new(2019, 11, 14, 18, 16, 5, 568, TimeSpan.Zero);

    private static JsonElement Build(string condition, int count, string request, string? response, bool error) =>
        JsonDocument.Parse(InvocationRecordBuilder.Build(new InvocationRecordBuilder.Input(
            "req-1", "arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST", condition, count, At,
            Encoding.UTF8.GetBytes(request), "$LATEST", response is null ? null : Encoding.UTF8.GetBytes(response), error))).RootElement;

    [Fact]
    public void Build_WhenTheInvocationFailed_HasLambdasShape()
    {
        var record = Build("RetriesExhausted", 3, """{"a":1}""", """{"errorMessage":"m","errorType":"T"}""", error: true);

        Assert.Equal("1.0", record.GetProperty("version").GetString());
        Assert.Equal("2019-11-14T18:16:05.568Z", record.GetProperty("timestamp").GetString());
        var context = record.GetProperty("requestContext");
        Assert.Equal(("req-1", "arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST", "RetriesExhausted", 3),
            (context.GetProperty("requestId").GetString(), context.GetProperty("functionArn").GetString(), context.GetProperty("condition").GetString(), context.GetProperty("approximateInvokeCount").GetInt32()));
        Assert.Equal(1, record.GetProperty("requestPayload").GetProperty("a").GetInt32());
        var response = record.GetProperty("responseContext");
        Assert.Equal((200, "$LATEST", "Unhandled"), (response.GetProperty("statusCode").GetInt32(), response.GetProperty("executedVersion").GetString(), response.GetProperty("functionError").GetString()));
        Assert.Equal("m", record.GetProperty("responsePayload").GetProperty("errorMessage").GetString());
    }

    [Fact]
    public void Build_WhenPayloadsAreNotJson_EmbedsThemAsStrings()
    {
        var record = Build("Success", 1, "plain text", "not { json", error: false);

        Assert.Equal("plain text", record.GetProperty("requestPayload").GetString());
        Assert.Equal("not { json", record.GetProperty("responsePayload").GetString());
        Assert.False(record.GetProperty("responseContext").TryGetProperty("functionError", out _));
    }

    [Fact]
    public void Build_WhenJsonIsFollowedByGarbage_EmbedsAString() =>
        Assert.Equal("{} x", Build("Success", 1, "{} x", "1", error: false).GetProperty("requestPayload").GetString());

    [Fact]
    public void Build_WhenNoAttemptWasMade_OmitsTheResponse()
    {
        var record = Build("ZeroReservedConcurrency", 0, "[1,2]", null, error: false);

        Assert.False(record.TryGetProperty("responseContext", out _));
        Assert.False(record.TryGetProperty("responsePayload", out _));
        Assert.Equal(2, record.GetProperty("requestPayload").GetArrayLength());
    }

    [Fact]
    public void Build_WhenAChainOfEchoingFunctionsNestsRecords_StaysBounded()
    {
        // Each step's record is the next step's event, and an echoing function returns it: request and response.
        var payload = "{\"start\":true}";
        var sizes = new List<int>();
        for (var step = 0; step < 16; step++)
        {
            var record = InvocationRecordBuilder.Build(new InvocationRecordBuilder.Input(
                $"r{step}", "arn:aws:lambda:us-east-1:000000000000:function:echo", "Success", 1,
                DateTimeOffset.UnixEpoch, System.Text.Encoding.UTF8.GetBytes(payload), "$LATEST", System.Text.Encoding.UTF8.GetBytes(payload), false));
            sizes.Add(System.Text.Encoding.UTF8.GetByteCount(record));
            payload = record;
        }

        Assert.True(sizes.Max() < 2 * InvocationRecordBuilder.MaxPayloadBytes + 4096, $"records grew to {sizes.Max()} bytes: {string.Join(", ", sizes)}");
        Assert.Contains("left out: a record carries at most 262144 bytes of each payload", payload, StringComparison.Ordinal);
    }
}
