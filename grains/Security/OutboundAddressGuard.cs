using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Microsoft.Security.AntiSSRF;
using Orleans.AsyncInvoke.Destinations.Webhook;

namespace Orleans.AsyncInvoke.Security;

/// <summary>
/// The one guard every caller-supplied URL passes before the silo connects to it: webhook destinations, OpenFaaS
/// callbacks, HTTP function targets and RabbitMQ brokers. It resolves the host itself, refuses internal and special-purpose addresses
/// (the ranges Microsoft.Security.AntiSSRF maintains, IPv4-compatible and mapped IPv6 forms, and every address of this
/// machine, since services bound to 0.0.0.0 answer there) and connects to exactly the address it checked, so a DNS
/// answer that changes between check and connect cannot slip through. Proxies are not used (a proxy would be the
/// address checked instead of the target) and redirects are not followed.
/// </summary>
public sealed class OutboundAddressGuard(IOptionsMonitor<WebhookOptions> options, TimeProvider time)
{
    private static readonly TimeSpan OwnAddressesLifetime = TimeSpan.FromSeconds(10);

    // IPv4-compatible IPv6 (::a.b.c.d) is deprecated but still routed by some stacks to the embedded IPv4 address.
    private static readonly IPNetwork[] Denied =
        [.. IPAddressRanges.recommendedLatest.Append("::/96").Select(IPNetwork.Parse)];

    private (DateTimeOffset At, HashSet<IPAddress> Addresses) _own = (DateTimeOffset.MinValue, []);

    /// <summary>Whether the silo may connect to <paramref name="address"/> when asked for <paramref name="host"/>.</summary>
    public bool Allows(string host, IPAddress address)
    {
        var settings = options.CurrentValue;
        if (settings.AllowedHosts.Contains(host, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (settings.AllowedNetworks.Any(n => IPNetwork.TryParse(n, out var network) && network.Contains(address)))
        {
            return true;
        }

        var local = IPAddress.IsLoopback(address) || OwnAddresses().Contains(address);
        if (local)
        {
            return settings.AllowLoopback;
        }

        return !IsInternal(address);
    }

    /// <summary>
    /// Why a URL can never be delivered to (a literal address the guard refuses), or <c>null</c>. Host names are
    /// checked when connecting, since what they resolve to can change.
    /// </summary>
    public string? RefusalOf(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "amqp" or "amqps"))
        {
            return null;
        }

        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.Host;
        return IPAddress.TryParse(host, out var literal) && !Allows(uri.Host, literal)
            ? $"The address {uri.Host} is internal (private, loopback, link-local, metadata or another special-purpose range) and is refused; allow it with {WebhookOptions.SectionName}:AllowedHosts or {WebhookOptions.SectionName}:AllowedNetworks."
            : null;
    }

    /// <summary>Whether the address lies in a range no outbound call may reach unless allow-listed.</summary>
    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return Array.Exists(Denied, n => n.Contains(address));
    }

    /// <summary>A handler that enforces the guard on every connection it opens.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        ConnectCallback = ConnectAsync,
    };

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var target = addresses.FirstOrDefault(a => Allows(host, a))
            ?? throw new HttpRequestException($"{host} resolves only to internal addresses (private, loopback, link-local, metadata, this machine's own or another special-purpose range); add it to {WebhookOptions.SectionName}:AllowedHosts to allow it.");
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(target, context.DnsEndPoint.Port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private HashSet<IPAddress> OwnAddresses()
    {
        var now = time.GetUtcNow();
        var own = _own;
        if (now - own.At < OwnAddressesLifetime)
        {
            return own.Addresses;
        }

        HashSet<IPAddress> addresses = [];
        try
        {
            foreach (var unicast in NetworkInterface.GetAllNetworkInterfaces().SelectMany(i => i.GetIPProperties().UnicastAddresses))
            {
                addresses.Add(unicast.Address.IsIPv4MappedToIPv6 ? unicast.Address.MapToIPv4() : unicast.Address);
            }
        }
        catch (NetworkInformationException)
        {
            // Interfaces unreadable: keep the last known set rather than allowing everything.
            return own.Addresses;
        }

        _own = (now, addresses);
        return addresses;
    }
}
