using System.Net;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using static Orleans.AsyncInvoke.Tests.Gateway.LambdaHttp;

namespace Orleans.AsyncInvoke.Tests.Gateway;

[Collection(GatewayCollection.Name)]
[Trait("Category", "Http")]
public sealed class TelemetryHttpTests(GatewayFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    [Fact]
    public async Task Traceparent_WhenSentWithTheInvoke_IsTheTraceOfTheInvocation()
    {
        using var telemetry = new TelemetryRecorder();
        var request = Invoke("echo", "{}", "Event");
        request.Headers.Add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

        var id = (await _http.SendAsync(request)).Headers.GetValues("X-Amzn-RequestId").Single();
        await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);
        await Eventually.TrueAsync(() => telemetry.SpansOf(id).Count >= 2, "two spans");

        Assert.All(telemetry.SpansOf(id), s => Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", s.TraceId.ToHexString()));
        Assert.Equal(["accept", "attempt"], telemetry.SpansOf(id).Select(s => s.OperationName));
    }

    [Fact]
    public async Task Metrics_WhenScraped_AreInPrometheusFormat()
    {
        await _http.SendAsync(Invoke("echo", "{}", "Event"));

        var response = await _http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("AsyncEventsReceived", text, StringComparison.Ordinal);
        Assert.Contains("function=\"echo\"", text, StringComparison.Ordinal);
    }
}
