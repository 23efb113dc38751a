using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Invocations.Storage;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Unit;

public sealed class InvocationStateCodecTests
{
    private static readonly Orleans.Serialization.Serializer<InvocationState> Serializer = TestSerializers.Create<InvocationState>();
    private static readonly DateTimeOffset Received = new(2026, 12, 2, 10, 0, 0, 123, TimeSpan.Zero);

    /// <summary>A succeeded invocation as the grain leaves it when its payloads are let go.</summary>
    internal static InvocationState Succeeded()
    {
        var state = InvocationState.Accepted(new InvocationRequest
        {
            FunctionName = "echo",
            Qualifier = "$LATEST",
            Payload = """{"bench":true}"""u8.ToArray(),
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        }, Received);
        InvocationTransitions.BeginAttempt(state, Received.AddTicks(5_123));
        InvocationTransitions.CompleteAttempt(state, new AttemptRecord
        {
            Attempt = 1,
            StartedAt = Received.AddTicks(5_123),
            FinishedAt = Received.AddMilliseconds(3).AddTicks(7),
            Outcome = "Success",
            DueAt = Received,
        }, null);
        var end = Received.AddMilliseconds(4);
        InvocationTransitions.Finish(state, InvocationCondition.Success, end, end.AddHours(24), "{}", """{"bench":true}"""u8.ToArray());
        InvocationTransitions.LeaveOutPayloads(state, "$LATEST", "$LATEST");
        return state;
    }

    [Fact]
    public void Serialize_WhenASucceededInvocationLeftOutItsPayloads_WritesTheCompactFormAndReadsBackEveryField()
    {
        var state = Succeeded();
        state.RedrivenAt = Received.AddSeconds(-30);
        state.RetryBase = 2;
        state.ChainDepth = 3;

        var bytes = InvocationStateCodec.Serialize(Serializer, state);
        var back = InvocationStateCodec.Deserialize(Serializer, bytes);

        Assert.Equal(InvocationStateCodec.Magic, bytes[0]);
        // The compact form holds the same state as the Orleans serializer's, field for field.
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(state), System.Text.Json.JsonSerializer.Serialize(back));
        Assert.Equal(Received.AddSeconds(-30), back.RedrivenAt);
        Assert.Equal(14, back.PayloadBytesLeftOut);
        Assert.True(bytes.Length < Serializer.SerializeToArray(state).Length / 2, $"compact {bytes.Length} B");
    }

    [Fact]
    public void Serialize_WhenTheTraceContextIsNotW3CHex_KeepsItAsText()
    {
        var state = Succeeded();
        state.TraceParent = "00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01";

        var back = InvocationStateCodec.Deserialize(Serializer, InvocationStateCodec.Serialize(Serializer, state));

        Assert.Equal(state.TraceParent, back.TraceParent);
    }

    [Theory]
    [InlineData("payload")]
    [InlineData("error")]
    [InlineData("callback")]
    [InlineData("failed")]
    [InlineData("offset")]
    public void Serialize_WhenTheStateHoldsWhatTheCompactFormDoesNot_UsesTheOrleansSerializer(string kept)
    {
        var state = Succeeded();
        switch (kept)
        {
            case "payload": state.Payload = [1]; break;
            case "error": state.LastError = new ErrorInfo("Unhandled", "boom"); break;
            case "callback": state.CallbackUrl = "http://127.0.0.1:1/"; break;
            case "failed": state.Phase = InvocationPhase.Failed; break;
            case "offset": state.CompletedAt = state.CompletedAt!.Value.ToOffset(TimeSpan.FromHours(2)); break;
        }

        var bytes = InvocationStateCodec.Serialize(Serializer, state);

        Assert.NotEqual(InvocationStateCodec.Magic, bytes[0]);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(state), System.Text.Json.JsonSerializer.Serialize(InvocationStateCodec.Deserialize(Serializer, bytes)));
    }

    [Fact]
    public void Deserialize_WhenTheCompactFormIsOfALaterVersion_SaysSo()
    {
        var bytes = InvocationStateCodec.Serialize(Serializer, Succeeded());
        bytes[1] = 99;

        var error = Assert.Throws<InvalidDataException>(() => InvocationStateCodec.Deserialize(Serializer, bytes));

        Assert.Contains("version 99", error.Message);
    }

    [Fact]
    public void ToStatus_WhenThePayloadsWereLeftOut_WritesTheRecordAgainWithNullPayloads()
    {
        var state = InvocationStateCodec.Deserialize(Serializer, InvocationStateCodec.Serialize(Serializer, Succeeded()));

        var status = state.ToStatus("id-1", new Orleans.AsyncInvoke.Functions.FunctionArns(Microsoft.Extensions.Options.Options.Create(new Orleans.AsyncInvoke.Hosting.AsyncInvokeOptions())));

        Assert.Null(status.PayloadPreview);
        Assert.Equal(14, status.PayloadBytes);
        using var record = System.Text.Json.JsonDocument.Parse(status.Record!);
        var root = record.RootElement;
        Assert.Equal("arn:aws:lambda:us-east-1:000000000000:function:echo:$LATEST", root.GetProperty("requestContext").GetProperty("functionArn").GetString());
        Assert.Equal("id-1", root.GetProperty("requestContext").GetProperty("requestId").GetString());
        Assert.Equal(1, root.GetProperty("requestContext").GetProperty("approximateInvokeCount").GetInt32());
        Assert.Equal("2026-12-02T10:00:00.127Z", root.GetProperty("timestamp").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, root.GetProperty("requestPayload").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, root.GetProperty("responsePayload").ValueKind);
        Assert.Equal("$LATEST", root.GetProperty("responseContext").GetProperty("executedVersion").GetString());
    }
}
