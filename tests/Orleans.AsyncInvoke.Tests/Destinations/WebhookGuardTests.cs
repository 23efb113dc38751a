using System.Net;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Destinations.Webhook;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Destinations;

/// <summary>The SSRF guard, exercised against loopback only: a refused address is never connected to.</summary>
[Trait("Category", "Unit")]
public sealed class WebhookGuardTests
{
    private static HttpClient Client(WebhookOptions options) =>
        new(WebhookAdapter.CreateHandler(new StaticOptionsMonitor(options)));

    [Fact]
    public async Task Guard_WhenLoopbackIsNotAllowed_RefusesItBeforeConnecting()
    {
        await using var server = new FunctionServer((c, _) => FunctionServer.ReplyAsync(c, 200, "{}"));
        using var guarded = Client(new WebhookOptions());

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => guarded.PostAsync(new Uri(server.Url), new StringContent("{}")));

        Assert.Contains("resolves only to private, loopback or link-local addresses", refused.Message, StringComparison.Ordinal);
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

    [Theory]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("93.184.216.34", true)]
    [InlineData("2606:4700::1111", true)]
    public void IsPublic_WhenGivenAnAddress_TellsPublicFromPrivate(string address, bool expected) =>
        Assert.Equal(expected, WebhookAdapter.IsPublic(IPAddress.Parse(address)));

    private sealed class StaticOptionsMonitor(WebhookOptions value) : IOptionsMonitor<WebhookOptions>
    {
        public WebhookOptions CurrentValue => value;

        public WebhookOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<WebhookOptions, string?> listener) => null;
    }
}
