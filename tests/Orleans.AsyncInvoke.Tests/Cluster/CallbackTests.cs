using System.Net;
using System.Text;
using Orleans.AsyncInvoke.Client;
using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Cluster;

[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class CallbackTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Callback_WhenTheEndpointFailsFirst_IsRetriedWithBackoffAndDeliveredOnce()
    {
        await using var receiver = new CallbackReceiver(HttpStatusCode.ServiceUnavailable);
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        var response = await fixture.Invoker.InvokeAsync(new InvokeRequest { FunctionName = fn, Payload = Encoding.UTF8.GetBytes("""{"cb":1}"""), CallbackUrl = receiver.Url });
        var id = response.RequestId;
        await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);

        var first = await receiver.NextAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.AnsweredWith);
        var callback = fixture.Cluster.Client.GetGrain<ICallbackGrain>(id);
        var retryAt = fixture.Time.GetUtcNow().AddSeconds(1);
        Assert.Equal(("Pending", 1), await WaitForStatusAsync(callback, s => s.NextAttemptAt == retryAt));

        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await receiver.NextAsync();

        Assert.Equal(HttpStatusCode.OK, second.AnsweredWith);
        Assert.Equal("""{"cb":1}""", second.Body);
        Assert.Equal(id, second.Headers["X-Call-Id"]);
        Assert.Equal("200", second.Headers["X-Function-Status"]);
        Assert.Equal(fn, second.Headers["X-Function-Name"]);
        Assert.True(second.Headers.ContainsKey("X-Duration-Seconds"));
        Assert.Equal(("Delivered", 2), await WaitForStatusAsync(callback, s => s.State == "Delivered"));
    }

    [Fact]
    public async Task Callback_WhenTheInvocationFails_CarriesStatus500AndTheError()
    {
        await using var receiver = new CallbackReceiver();
        var fn = await fixture.CreateFunctionAsync("dotnet:fail");
        await fixture.Invoker.PutEventInvokeConfigAsync(fn, new Functions.EventInvokeConfigInput { MaximumRetryAttempts = 0 });

        await fixture.Invoker.InvokeAsync(new InvokeRequest { FunctionName = fn, Payload = Encoding.UTF8.GetBytes("""{"message":"bad"}"""), CallbackUrl = receiver.Url });
        var received = await receiver.NextAsync();

        Assert.Equal("500", received.Headers["X-Function-Status"]);
        Assert.Equal("RetriesExhausted", received.Headers["X-Invocation-Condition"]);
        Assert.Contains("\"errorMessage\":\"bad\"", received.Body, StringComparison.Ordinal);
    }

    private static async Task<(string, int)> WaitForStatusAsync(ICallbackGrain callback, Func<CallbackStatus, bool> reached)
    {
        // The receiver answers before the grain records the outcome; the test must not move the clock before the
        // retry is armed, so it watches the stored status.
        var status = await Eventually.ReachAsync(callback.GetStatusAsync, s => s is not null && reached(s), "the callback's status");
        return (status!.State, status.Attempts);
    }
}
