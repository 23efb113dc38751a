using System.Security.Cryptography;
using System.Text;

namespace Orleans.AsyncInvoke.Silo.Security;

/// <summary>
/// The console's session cookie: the signed-in key's name and an expiry, signed with a key derived from that API key
/// (or credential secret). Any silo holding the same configuration verifies it, nothing is stored, and rotating the
/// key ends its sessions. The cookie never carries the key itself.
/// </summary>
internal static class ConsoleSession
{
    /// <summary>The cookie's name.</summary>
    public const string CookieName = "asyncinvoke_session";

    /// <summary>The header every cookie-authenticated API call from the console carries (cross-site requests cannot set it).</summary>
    public const string HeaderName = "X-AsyncInvoke-Console";

    /// <summary>How long a session lasts.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    private const string Version = "v1";

    /// <summary>Signs a session for an API key (<c>k</c>) or a SigV4 credential (<c>c</c>) named <paramref name="name"/>.</summary>
    public static string Issue(char kind, string name, string secret, DateTimeOffset now)
    {
        var expires = (now + Lifetime).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var encodedName = Base64Url(Encoding.UTF8.GetBytes(name));
        var payload = $"{Version}.{kind}.{encodedName}.{expires}";
        return payload + "." + Base64Url(Sign(secret, payload));
    }

    /// <summary>The principal a cookie names, when its signature and expiry hold against the current configuration.</summary>
    public static Principal? Verify(string cookie, AuthOptions settings, DateTimeOffset now)
    {
        var parts = cookie.Split('.');
        if (parts.Length != 5 || parts[0] != Version || parts[1].Length != 1
            || !long.TryParse(parts[3], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var expires)
            || now.ToUnixTimeSeconds() >= expires)
        {
            return null;
        }

        string name;
        byte[] signature;
        try
        {
            name = Encoding.UTF8.GetString(FromBase64Url(parts[2]));
            signature = FromBase64Url(parts[4]);
        }
        catch (FormatException)
        {
            return null;
        }

        var (secret, role) = parts[1][0] switch
        {
            'k' when settings.ApiKeys.TryGetValue(name, out var key) => (key.Key, key.Role),
            'c' when settings.Credentials.TryGetValue(name, out var credential) => (credential.Secret, credential.Role),
            _ => ("", ""),
        };
        if (secret.Length == 0)
        {
            return null;
        }

        var expected = Sign(secret, string.Join('.', parts[..4]));
        return CryptographicOperations.FixedTimeEquals(expected, signature)
            ? new Principal(name, Principal.ParseRole(role) ?? AccessRole.Read)
            : null;
    }

    private static byte[] Sign(string secret, string payload)
    {
        // The signing key is derived from the secret, so a session cookie reveals nothing usable as the key.
        var key = SHA256.HashData(Encoding.UTF8.GetBytes("asyncinvoke-console-session:" + secret));
        return HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(payload));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - (s.Length % 4)) % 4));
    }
}
