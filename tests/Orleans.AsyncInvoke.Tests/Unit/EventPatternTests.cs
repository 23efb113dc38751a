using System.Text.Json;
using Orleans.AsyncInvoke.Destinations.EventBus;

namespace Orleans.AsyncInvoke.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class EventPatternTests
{
    private const string Event = """
        {"source":"lambda","detail-type":"Lambda Function Invocation Result - Failure",
         "detail":{"requestContext":{"condition":"RetriesExhausted","approximateInvokeCount":3,"functionArn":"arn:aws:lambda:us-east-1:000000000000:function:orders"},
                   "responsePayload":{"errorType":"Timeout"}},
         "resources":["arn:aws:events:us-east-1:000000000000:event-bus/default","arn:aws:lambda:us-east-1:000000000000:function:orders"]}
        """;

    [Theory]
    [InlineData("""{"source":["lambda"]}""", true)]
    [InlineData("""{"source":["s3"]}""", false)]
    [InlineData("""{"detail-type":[{"prefix":"Lambda Function Invocation Result - F"}]}""", true)]
    [InlineData("""{"detail-type":[{"prefix":"Lambda Function Invocation Result - S"}]}""", false)]
    [InlineData("""{"detail":{"requestContext":{"condition":[{"anything-but":"Success"}]}}}""", true)]
    [InlineData("""{"detail":{"requestContext":{"condition":[{"anything-but":["RetriesExhausted","EventAgeExceeded"]}]}}}""", false)]
    [InlineData("""{"detail":{"requestContext":{"condition":[{"anything-but":{"prefix":"Retries"}}]}}}""", false)]
    [InlineData("""{"detail":{"responsePayload":{"errorType":[{"exists":true}]}}}""", true)]
    [InlineData("""{"detail":{"responsePayload":{"errorMessage":[{"exists":false}]}}}""", true)]
    [InlineData("""{"detail":{"responsePayload":{"errorType":[{"exists":false}]}}}""", false)]
    [InlineData("""{"detail":{"requestContext":{"approximateInvokeCount":[{"numeric":[">",2,"<=",3]}]}}}""", true)]
    [InlineData("""{"detail":{"requestContext":{"approximateInvokeCount":[{"numeric":["<",3]}]}}}""", false)]
    [InlineData("""{"detail":{"requestContext":{"approximateInvokeCount":[3]}}}""", true)]
    [InlineData("""{"resources":["arn:aws:lambda:us-east-1:000000000000:function:orders"]}""", true)]
    [InlineData("""{"source":["lambda"],"detail":{"missing":["x"]}}""", false)]
    [InlineData("""{}""", true)]
    public void Matches_WhenGivenAValidPattern_FollowsEventBridgeSemantics(string pattern, bool expected)
    {
        using var document = JsonDocument.Parse(Event);

        Assert.Null(EventPattern.Validate(pattern));
        Assert.Equal(expected, EventPattern.Matches(pattern, document.RootElement));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1]")]
    [InlineData("""{"source":"lambda"}""")]
    [InlineData("""{"source":[{"wildcard":"x*"}]}""")]
    [InlineData("""{"source":[{}]}""")]
    [InlineData("""{"source":[{"prefix":"a","exists":true}]}""")]
    [InlineData("""{"n":[{"numeric":[1,">"]}]}""")]
    [InlineData("""{"n":[{"anything-but":{"prefix":1}}]}""")]
    [InlineData("""{"n":[["nested"]]}""")]
    public void Validate_WhenThePatternCannotBeMatched_RefusesIt(string pattern) => Assert.NotNull(EventPattern.Validate(pattern));

    [Fact]
    public void Validate_WhenFieldsNestDeeperThanTheLimit_RefusesIt()
    {
        static string Nested(int depth) => string.Concat(Enumerable.Repeat("""{"a":""", depth - 1)) + """{"a":["x"]}""" + new string('}', depth - 1);

        Assert.Null(EventPattern.Validate(Nested(EventPattern.MaxDepth)));
        Assert.Contains("deeper than", EventPattern.Validate(Nested(EventPattern.MaxDepth + 1)), StringComparison.Ordinal);
    }
}
