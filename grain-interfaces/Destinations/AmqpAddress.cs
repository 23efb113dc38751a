using System.Globalization;
using System.Text;

namespace Orleans.AsyncInvoke.Destinations;

/// <summary>
/// A RabbitMQ destination, <c>amqp[s]://user:pass@host[:port][/vhost]?exchange=x&amp;routingKey=k</c>: the default port is
/// 5672 (5671 for <c>amqps</c>), the default virtual host <c>/</c> (spelled <c>%2F</c> in a path), the default exchange
/// the nameless one (which routes to the queue named by the routing key). <c>format=</c> shapes the record as for every
/// destination; any other query parameter is refused, so a misspelt one is not silently ignored.
/// </summary>
public sealed record AmqpAddress(bool Tls, string? UserName, string? Password, string Host, int Port, string VirtualHost, string Exchange, string RoutingKey)
{
    /// <summary>Whether <paramref name="text"/> uses the <c>amqp</c> or <c>amqps</c> scheme.</summary>
    public static bool IsAmqp(string text) =>
        text.StartsWith("amqp://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("amqps://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses a destination; <c>null</c> when it is not a well-formed AMQP destination.</summary>
    public static AmqpAddress? TryParse(string text)
    {
        if (!IsAmqp(text) || !Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host) || uri.Fragment.Length > 0)
        {
            return null;
        }

        var tls = uri.Scheme.Equals("amqps", StringComparison.OrdinalIgnoreCase);
        string? user = null;
        string? password = null;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }

        var path = uri.AbsolutePath.TrimStart('/');
        if (path.Contains('/', StringComparison.Ordinal))
        {
            return null;
        }

        var vhost = path.Length == 0 ? "/" : Uri.UnescapeDataString(path);
        var exchange = "";
        var routingKey = "";
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            switch (name)
            {
                case "exchange":
                    exchange = value;
                    break;
                case "routingKey":
                    routingKey = value;
                    break;
                case "format":
                    break;
                default:
                    return null;
            }
        }

        // AMQP short strings: at most 255 bytes.
        if (Encoding.UTF8.GetByteCount(exchange) > 255 || Encoding.UTF8.GetByteCount(routingKey) > 255)
        {
            return null;
        }

        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.Host;
        return new AmqpAddress(tls, user, password, host.ToLowerInvariant(), uri.IsDefaultPort || uri.Port < 0 ? (tls ? 5671 : 5672) : uri.Port, vhost, exchange, routingKey);
    }

    /// <summary>The one spelling of <paramref name="text"/>'s target, credentials included; <c>null</c> when it is not one.</summary>
    public static string? Canonical(string text) => TryParse(text)?.ToUri(redacted: false);

    /// <summary>A canonical AMQP destination with its user and password replaced by <c>***</c>.</summary>
    public static string Redact(string text) => TryParse(text)?.ToUri(redacted: true) ?? text;

    /// <summary>The broker this destination publishes to (the connection's identity, credentials included).</summary>
    public string Broker => ToUri(redacted: false, withTarget: false);

    /// <summary>Where the broker is, for messages: scheme, host and port, never credentials.</summary>
    public string Endpoint => $"{(Tls ? "amqps" : "amqp")}://{HostText}:{Port.ToString(CultureInfo.InvariantCulture)}";

    private string HostText => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;

    private string ToUri(bool redacted, bool withTarget = true)
    {
        var builder = new StringBuilder(Tls ? "amqps://" : "amqp://");
        if (UserName is not null)
        {
            builder.Append(redacted ? "***" : Uri.EscapeDataString(UserName));
            if (Password is not null)
            {
                builder.Append(':').Append(redacted ? "***" : Uri.EscapeDataString(Password));
            }

            builder.Append('@');
        }

        builder.Append(HostText).Append(':').Append(Port.ToString(CultureInfo.InvariantCulture)).Append('/').Append(Uri.EscapeDataString(VirtualHost));
        if (withTarget)
        {
            builder.Append("?exchange=").Append(Uri.EscapeDataString(Exchange)).Append("&routingKey=").Append(Uri.EscapeDataString(RoutingKey));
        }

        return builder.ToString();
    }

    /// <summary>Never the password: records print all their members, and this one must not be printed whole.</summary>
    public override string ToString() => ToUri(redacted: true);
}
