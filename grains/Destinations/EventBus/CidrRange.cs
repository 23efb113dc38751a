using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Orleans.AsyncInvoke.Destinations.EventBus;

/// <summary><c>cidr</c>: a string holding an IPv4 or IPv6 address inside the block.</summary>
internal sealed class CidrRange(IPNetwork network) : ValueMatcher
{
    /// <summary>The block; bits set past the prefix are ignored (<c>10.0.0.7/24</c> is <c>10.0.0.0/24</c>).</summary>
    public static CidrRange Parse(string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || slash != cidr.LastIndexOf('/'))
        {
            throw new InvalidEventPatternException($"Malformed CIDR, one '/' required: {cidr}");
        }

        if (!IPAddress.TryParse(cidr.AsSpan(0, slash), out var address) || !IsStrictAddress(cidr[..slash]))
        {
            throw new InvalidEventPatternException($"Invalid IP address in CIDR: {cidr}");
        }

        var maxBits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (!int.TryParse(cidr.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bits) || bits > maxBits)
        {
            throw new InvalidEventPatternException($"Invalid CIDR mask bits: {cidr}");
        }

        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(bits - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new CidrRange(new IPNetwork(new IPAddress(bytes), bits));
    }

    public override bool Matches(JsonElement leaf) =>
        Text(leaf) is { } text && IsStrictAddress(text) && IPAddress.TryParse(text, out var address)
        && address.AddressFamily == network.BaseAddress.AddressFamily && network.Contains(address);

    /// <summary>Dotted quads or IPv6 text only: the parser would otherwise read "10" or "1.2" as addresses.</summary>
    private static bool IsStrictAddress(string text) => text.Contains(':', StringComparison.Ordinal) || text.Count(c => c == '.') == 3;
}
