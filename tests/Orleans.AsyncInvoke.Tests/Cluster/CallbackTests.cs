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
        Assert.Equal(("Pending", 1), await WaitForAttemptsAsync(callback, 1));

        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await receiver.NextAsync();

        Assert.Equal(HttpStatusCode.OK, second.AnsweredWith);
        Assert.Equal("""{"cb":1}""", second.Body);
        Assert.Equal(id, second.Headers["X-Call-Id"]);
        Assert.Equal("200", second.Headers["X-Function-Status"]);
        Assert.Equal(fn, second.Headers["X-Function-Name"]);
        Assert.True(second.Headers.ContainsKey("X-Duration-Seconds"));
        Assert.Equal(("Delivered", 2), await WaitForAttemptsAsync(callback, 2));
    }

    [Fact]
    public async Task Callback_ForAFailedInvocation_CarriesStatus500AndTheError()
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

    private static async Task<(string, int)> WaitForAttemptsAsync(ICallbackGrain callback, int attempts)
    {
        // The grain records the attempt just after the receiver answers; the test must not move the clock before
        // the retry is scheduled, so it watches the stored status (bounded by a real-time guard).
        var guard = System.Diagnostics.Stopwatch.StartNew();
        while (guard.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (await callback.GetStatusAsync() is { } status && status.Attempts >= attempts && (status.State != "Pending" || attempts == 1))
            {
                return (status.State, status.Attempts);
            }

            await Task.Delay(5);
        }

        var last = await callback.GetStatusAsync();
        return (last?.State ?? "none", last?.Attempts ?? 0);
    }
}
