using System.Text;
using System.Text.Json;
using Orleans.AsyncInvoke.Client;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Invocations.Storage;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Cluster;

/// <summary>What a finished invocation keeps for its retention with the default settings.</summary>
[Trait("Category", "Cluster")]
public sealed class InvocationRetentionTests(PayloadsLeftOutClusterFixture fixture) : IClassFixture<PayloadsLeftOutClusterFixture>
{
    private IAsyncInvoker Invoker => fixture.Invoker;

    [Fact]
    public async Task Success_KeepsItsOutcomeCompactAndShowsTheRecordWithoutPayloads()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        var id = await Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"hello":"world"}"""));
        await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);

        var status = await Invoker.GetInvocationAsync(id);

        Assert.Equal(InvocationPhase.Succeeded, status!.Phase);
        Assert.Equal(17, status.PayloadBytes);
        Assert.Null(status.PayloadPreview);
        Assert.Single(status.History);
        using var record = JsonDocument.Parse(status.Record!);
        var root = record.RootElement;
        Assert.Equal(id, root.GetProperty("requestContext").GetProperty("requestId").GetString());
        Assert.Equal($"arn:aws:lambda:us-east-1:000000000000:function:{fn}:$LATEST", root.GetProperty("requestContext").GetProperty("functionArn").GetString());
        Assert.Equal("Success", root.GetProperty("requestContext").GetProperty("condition").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("requestPayload").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("responsePayload").ValueKind);
        Assert.Equal(200, root.GetProperty("responseContext").GetProperty("statusCode").GetInt32());
        byte[] stored;
        lock (fixture.Invocations.Lock)
        {
            stored = fixture.Invocations.Entries[id].State;
        }

        Assert.Equal(InvocationStateCodec.Magic, stored[0]);
        Assert.InRange(stored.Length, 1, 160);
    }

    [Fact]
    public async Task Failure_KeepsItsPayloadForARedrive()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:fail");
        await Invoker.PutEventInvokeConfigAsync(fn, new Orleans.AsyncInvoke.Functions.EventInvokeConfigInput { MaximumRetryAttempts = 0 });
        var id = await Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes("""{"keep":"me"}"""));
        await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);

        var status = await Invoker.GetInvocationAsync(id);

        Assert.Equal(InvocationPhase.Failed, status!.Phase);
        Assert.Equal("""{"keep":"me"}""", status.PayloadPreview);
        Assert.Contains("\"keep\":\"me\"", status.Record!, StringComparison.Ordinal);
    }
}
