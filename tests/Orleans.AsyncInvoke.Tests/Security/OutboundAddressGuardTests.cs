using System.Net;
using System.Net.NetworkInformation;
using Orleans.AsyncInvoke.Destinations.Webhook;
using Orleans.AsyncInvoke.Security;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Security;

/// <summary>Which addresses the outbound guard lets webhooks, callbacks and HTTP targets reach.</summary>
[Trait("Category", "Unit")]
public sealed class OutboundAddressGuardTests
{
    internal static OutboundAddressGuard Guard(WebhookOptions options) => new(new StaticOptionsMonitor<WebhookOptions>(options), TimeProvider.System);

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("127.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("198.18.0.1")]
    [InlineData("198.19.255.254")]
    [InlineData("192.0.0.1")]
    [InlineData("192.0.2.10")]
    [InlineData("198.51.100.7")]
    [InlineData("203.0.113.9")]
    [InlineData("224.0.0.251")]
    [InlineData("239.255.255.250")]
    [InlineData("240.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("168.63.129.16")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("::127.0.0.1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("64:ff9b::7f00:1")]
    [InlineData("2002:7f00:1::1")]
    [InlineData("2001:db8::1")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("ff02::1")]
    public void Allows_WhenTheAddressIsInternalOrSpecialPurpose_RefusesIt(string address) =>
        Assert.False(Guard(new WebhookOptions()).Allows("target.example", IPAddress.Parse(address)), $"{address} must be refused");

    [Theory]
    [InlineData("172.32.0.1")]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("2606:4700::1111")]
    public void Allows_WhenTheAddressIsPublic_LetsItThrough(string address) =>
        Assert.True(Guard(new WebhookOptions()).Allows("target.example", IPAddress.Parse(address)));

    [Fact]
    public void Allows_WhenTheAddressIsThisMachines_RefusesItUnlessLoopbackIsAllowed()
    {
        var own = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .First(a => !IPAddress.IsLoopback(a) && a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);

        Assert.False(Guard(new WebhookOptions { AllowedNetworks = [] }).Allows(Dns.GetHostName(), own));
        Assert.True(Guard(new WebhookOptions { AllowLoopback = true }).Allows(Dns.GetHostName(), own));
    }

    [Fact]
    public void Allows_WhenTheNetworkOrHostIsAllowListed_LetsItThrough()
    {
        Assert.True(Guard(new WebhookOptions { AllowedNetworks = ["10.20.0.0/16"] }).Allows("svc", IPAddress.Parse("10.20.3.4")));
        Assert.False(Guard(new WebhookOptions { AllowedNetworks = ["10.20.0.0/16"] }).Allows("svc", IPAddress.Parse("10.21.3.4")));
        Assert.True(Guard(new WebhookOptions { AllowedHosts = ["svc.internal"] }).Allows("svc.internal", IPAddress.Parse("10.21.3.4")));
    }

    [Theory]
    [InlineData("http://10.0.0.5/hook")]
    [InlineData("https://[::127.0.0.1]:8443/x")]
    [InlineData("http://[64:ff9b::7f00:1]/")]
    [InlineData("http://198.18.0.1/")]
    public void RefusalOf_WhenTheUrlIsALiteralInternalAddress_SaysWhy(string url) =>
        Assert.Contains("is internal", Guard(new WebhookOptions()).RefusalOf(url), StringComparison.Ordinal);

    [Theory]
    [InlineData("https://hooks.example.com/x")]
    [InlineData("http://93.184.216.34/")]
    public void RefusalOf_WhenTheUrlIsAHostNameOrPublic_LeavesItToTheConnection(string url) =>
        Assert.Null(Guard(new WebhookOptions()).RefusalOf(url));
}
