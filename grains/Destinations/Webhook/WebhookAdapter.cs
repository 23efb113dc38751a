using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Orleans.AsyncInvoke.Destinations.Webhook;

/// <summary>
/// POSTs the record to an HTTP endpoint. Guarded against SSRF: the address actually connected to must not be
/// private, loopback or link-local unless the host is allowed; redirects are not followed. At least once: a POST
/// in flight when its silo dies is sent again, with the same <c>X-Request-Id</c> to de-duplicate on.
/// </summary>
internal sealed class WebhookAdapter(IHttpClientFactory clients) : IDestinationAdapter
{
    public const string HttpClientName = "asyncinvoke-webhooks";

    public DestinationKind Kind => DestinationKind.Webhook;

    public int MaxBatch => 1;

    public async Task<IReadOnlyList<Delivery>> DeliverAsync(DestinationAddress address, IReadOnlyList<DestinationMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            await PostAsync(address, message, cancellationToken);
        }

        return [];
    }

    private async Task PostAsync(DestinationAddress address, DestinationMessage message, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, address.Name) { Content = new StringContent(message.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("X-Request-Id", message.RequestId);
        request.Headers.TryAddWithoutValidation("X-Invocation-Condition", message.Condition);
        using var response = await clients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The webhook answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
        }
    }

    /// <summary>The handler: resolves the host itself and refuses forbidden addresses before connecting.</summary>
    public static SocketsHttpHandler CreateHandler(IOptionsMonitor<WebhookOptions> options) => new()
    {
        AllowAutoRedirect = false,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var host = context.DnsEndPoint.Host;
            var settings = options.CurrentValue;
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
            var allowedHost = settings.AllowedHosts.Contains(host, StringComparer.OrdinalIgnoreCase);
            var target = addresses.FirstOrDefault(a => allowedHost || IsPublic(a) || (settings.AllowLoopback && IPAddress.IsLoopback(a)))
                ?? throw new HttpRequestException($"Webhook host {host} resolves only to private, loopback or link-local addresses; add it to AsyncInvoke:Webhooks:AllowedHosts to allow it.");
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
        },
    };

    internal static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast)
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 10 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] is >= 64 and <= 127) || b[0] == 0 || b[0] >= 224);
        }

        return true;
    }
}
