using System.Text;
using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Invocations;

namespace Orleans.AsyncInvoke.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class HandOffBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ResolvedFunction Function(string? onSuccess = null, string? onFailure = null, string? deadLetter = null) => new()
    {
        Definition = new FunctionDefinition { Name = "fn", Target = "dotnet:echo", Timeout = TimeSpan.FromSeconds(3), DeadLetterTarget = deadLetter },
        Qualifier = FunctionNames.Latest,
        ExecutedVersion = FunctionNames.Latest,
        FunctionArn = "arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST",
        Config = onSuccess is null && onFailure is null ? null : new EventInvokeConfig
        {
            FunctionArn = "arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST",
            Qualifier = FunctionNames.Latest,
            OnSuccess = onSuccess,
            OnFailure = onFailure,
        },
    };

    private static InvocationState Final(string condition, string? error = null) => new()
    {
        FunctionName = "fn",
        Payload = Encoding.UTF8.GetBytes("""{"raw":true}"""),
        Phase = condition == InvocationCondition.Success ? InvocationPhase.Succeeded : InvocationPhase.Failed,
        Condition = condition,
        AttemptCount = 1,
        Record = """{"version":"1.0","requestContext":{"requestId":"r1","functionArn":"arn","condition":"Success","approximateInvokeCount":1},"requestPayload":{},"responseContext":{"statusCode":200,"executedVersion":"$LATEST"},"responsePayload":null}""",
        LastError = error is null ? null : new ErrorInfo("Error", error),
        ChainDepth = 3,
        TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    };

    [Fact]
    public void Build_WhenItSucceedsWithAnOnSuccessArn_DeliversTheRecordToTheCanonicalQueue()
    {
        var delivery = Assert.Single(HandOffBuilder.Build("r1", Final(InvocationCondition.Success), Function(onSuccess: "arn:aws:sqs:us-east-1:000000000000:done"), Now));

        Assert.Equal(("queue://done", "r1:success", Now), (delivery.Destination, delivery.Message.Id, delivery.FirstAttemptAt));
        Assert.Equal((3, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), (delivery.Message.ChainDepth, delivery.Message.TraceParent));
        Assert.StartsWith("{\"version\":\"1.0\",\"requestContext\"", delivery.Message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_WhenItFailsWithOnFailureAndADeadLetterQueue_DeliversTheRecordAndTheRawEvent()
    {
        var deliveries = HandOffBuilder.Build("r1", Final(InvocationCondition.RetriesExhausted, new string('é', 700)), Function(onSuccess: "queue://ok", onFailure: "queue://bad", deadLetter: "arn:aws:sqs:us-east-1:000000000000:dlq"), Now);

        Assert.Equal(["queue://bad", "queue://dlq"], deliveries.Select(d => d.Destination));
        var dead = deliveries[1].Message;
        Assert.Equal(("r1:dlq", """{"raw":true}""", "r1", "200"), (dead.Id, dead.Body, dead.Attributes["RequestID"], dead.Attributes["ErrorCode"]));
        Assert.Equal(512, dead.Attributes["ErrorMessage"].Length);
    }

    [Fact]
    public void Build_WhenTheDestinationAsksForFunctionGraph_ConvertsTheRecordButNotTheRawEvent()
    {
        var deliveries = HandOffBuilder.Build("r1", Final(InvocationCondition.RetriesExhausted), Function(onFailure: "queue://fg?format=functiongraph", deadLetter: "queue://dlq?format=functiongraph"), Now);

        Assert.Equal(["queue://fg", "queue://dlq"], deliveries.Select(d => d.Destination));
        Assert.Contains("\"request_context\"", deliveries[0].Message.Body, StringComparison.Ordinal);
        Assert.Equal("""{"raw":true}""", deliveries[1].Message.Body);
    }

    [Fact]
    public void Build_WhenNothingIsConfigured_HandsNothingOver()
    {
        Assert.Empty(HandOffBuilder.Build("r1", Final(InvocationCondition.Success), Function(onFailure: "queue://bad"), Now));
        Assert.Empty(HandOffBuilder.Build("r1", Final(InvocationCondition.Success), null, Now));
    }
}
