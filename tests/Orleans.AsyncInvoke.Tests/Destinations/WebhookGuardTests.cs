using System.Net;
using Orleans.AsyncInvoke.Destinations.Webhook;
using Orleans.AsyncInvoke.Security;
using Orleans.AsyncInvoke.Tests.Security;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Destinations;

/// <summary>The SSRF guard, exercised against loopback only: a refused address is never connected to.</summary>
[Trait("Category", "Unit")]
public sealed class WebhookGuardTests
{
    private static HttpClient Client(WebhookOptions options) =>
        new(new OutboundAddressGuard(new StaticOptionsMonitor<WebhookOptions>(options), TimeProvider.System).CreateHandler());

    [Fact]
    public async Task Guard_WhenLoopbackIsNotAllowed_RefusesItBeforeConnecting()
    {
        await using var server = new FunctionServer((c, _) => FunctionServer.ReplyAsync(c, 200, "{}"));
        using var guarded = Client(new WebhookOptions());

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => guarded.PostAsync(new Uri(server.Url), new StringContent("{}")));

        Assert.Contains("resolves only to internal addresses", refused.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Guard_WhenTheHostIsAllowedOrLoopbackEnabled_LetsTheRequestThrough()
    {
        await using var server = new FunctionServer((c, _) => FunctionServer.ReplyAsync(c, 200, "{}"));
        using var byHost = Client(new WebhookOptions { AllowedHosts = ["127.0.0.1"] });
        using var byLoopback = Client(new WebhookOptions { AllowLoopback = true });

        Assert.Equal(HttpStatusCode.OK, (await byHost.PostAsync(new Uri(server.Url), new StringContent("{}"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await byLoopback.PostAsync(new Uri(server.Url), new StringContent("{}"))).StatusCode);
    }

    [Fact]
    public async Task Guard_WhenTheTargetRedirects_DoesNotFollow()
    {
        await using var target = new FunctionServer((c, _) => FunctionServer.ReplyAsync(c, 200, "{}"));
        await using var redirector = new FunctionServer((c, _) =>
        {
            c.Response.Headers["Location"] = target.Url;
            return FunctionServer.ReplyAsync(c, 302, "");
        });
        using var client = Client(new WebhookOptions { AllowLoopback = true });

        var response = await client.PostAsync(new Uri(redirector.Url), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Empty(target.Requests);
    }

    [Fact]
    public void CreateHandler_Always_UsesNoProxyAndFollowsNoRedirect()
    {
        // A proxy would be the address connected to, and so the one checked, instead of the target's.
        using var handler = OutboundAddressGuardTests.Guard(new WebhookOptions()).CreateHandler();

        Assert.False(handler.UseProxy);
        Assert.False(handler.AllowAutoRedirect);
        Assert.NotNull(handler.ConnectCallback);
    }
}
