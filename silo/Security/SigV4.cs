using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Orleans.AsyncInvoke.Silo.Security;

/// <summary>The parts of a Signature Version 4 signature, from the <c>Authorization</c> header or a presigned query.</summary>
internal sealed record SigV4Signature(
    string AccessKeyId,
    string ScopeDate,
    string Region,
    string Service,
    IReadOnlyList<string> SignedHeaders,
    string Signature,
    bool Presigned,
    TimeSpan? Expires);

/// <summary>
/// Signature Version 4 (<c>AWS4-HMAC-SHA256</c>) as AWS SDKs and the AWS CLI compute it: the canonical request, the
/// string to sign and the signing key. Pure functions, so that every rule can be checked against AWS's own examples.
/// </summary>
internal static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>Parses an <c>Authorization</c> header value; <paramref name="problem"/> says what is missing.</summary>
    public static SigV4Signature? ParseHeader(string authorization, out string? problem)
    {
        var rest = authorization[Algorithm.Length..].Trim();
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in rest.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                fields[part[..eq].Trim()] = part[(eq + 1)..].Trim();
            }
        }

        foreach (var required in new[] { "Credential", "SignedHeaders", "Signature" })
        {
            if (!fields.ContainsKey(required))
            {
                problem = $"Authorization header requires '{required}' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization={Algorithm} {Shown(rest)}";
                return null;
            }
        }

        return FromParts(fields["Credential"], fields["SignedHeaders"], fields["Signature"], presigned: false, expires: null, out problem);
    }

    /// <summary>Parses a presigned query (<c>X-Amz-Algorithm</c>, <c>X-Amz-Credential</c>, …).</summary>
    public static SigV4Signature? ParseQuery(Func<string, string?> query, out string? problem)
    {
        if (query("X-Amz-Algorithm") != Algorithm)
        {
            problem = $"Unsupported AWS 'algorithm': '{query("X-Amz-Algorithm")}'; use {Algorithm}.";
            return null;
        }

        foreach (var required in new[] { "X-Amz-Credential", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Date" })
        {
            if (string.IsNullOrEmpty(query(required)))
            {
                problem = $"AWS query-string parameters must include '{required}'. Re-examine the query-string parameters.";
                return null;
            }
        }

        TimeSpan? expires = null;
        if (query("X-Amz-Expires") is { Length: > 0 } text)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds is < 1 or > 604_800)
            {
                problem = "X-Amz-Expires must be a whole number of seconds from 1 to 604800.";
                return null;
            }

            expires = TimeSpan.FromSeconds(seconds);
        }

        return FromParts(query("X-Amz-Credential")!, query("X-Amz-SignedHeaders")!, query("X-Amz-Signature")!, presigned: true, expires, out problem);
    }

    private static SigV4Signature? FromParts(string credential, string signedHeaders, string signature, bool presigned, TimeSpan? expires, out string? problem)
    {
        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[0].Length == 0 || scope[4] != "aws4_request" || scope[1].Length != 8 || !scope[1].All(char.IsAsciiDigit))
        {
            problem = $"Credential should be scoped to a valid region, service and date: <access key id>/<yyyyMMdd>/<region>/<service>/aws4_request (was '{Shown(credential)}').";
            return null;
        }

        var headers = signedHeaders.Split(';', StringSplitOptions.RemoveEmptyEntries);
        if (headers.Length == 0 || !headers.Contains("host", StringComparer.OrdinalIgnoreCase))
        {
            problem = "The signed headers must include 'host'.";
            return null;
        }

        problem = null;
        return new SigV4Signature(scope[0], scope[1], scope[2], scope[3], [.. headers.Select(h => h.ToLowerInvariant())], signature.ToLowerInvariant(), presigned, expires);
    }

    /// <summary>
    /// The canonical request. <paramref name="rawPath"/> and <paramref name="rawQuery"/> are the request target as it
    /// was sent (still percent-encoded): services other than S3 sign the path encoded twice, so the wire form is
    /// encoded once more, segment by segment.
    /// </summary>
    public static string CanonicalRequest(string method, string rawPath, string rawQuery, IReadOnlyList<string> signedHeaders, Func<string, string?> header, string payloadHash, bool presigned)
    {
        var builder = new StringBuilder();
        builder.Append(method).Append('\n');
        builder.Append(CanonicalPath(rawPath)).Append('\n');
        builder.Append(CanonicalQuery(rawQuery, presigned)).Append('\n');
        foreach (var name in signedHeaders)
        {
            builder.Append(name).Append(':').Append(CanonicalHeaderValue(header(name) ?? "")).Append('\n');
        }

        builder.Append('\n');
        builder.Append(string.Join(';', signedHeaders)).Append('\n');
        builder.Append(payloadHash);
        return builder.ToString();
    }

    public static string StringToSign(string amzDate, SigV4Signature signature, string canonicalRequest) =>
        $"{Algorithm}\n{amzDate}\n{signature.ScopeDate}/{signature.Region}/{signature.Service}/aws4_request\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";

    /// <summary>The hex signature of <paramref name="stringToSign"/> with the key derived from the secret and the scope.</summary>
    public static string Sign(string secret, SigV4Signature signature, string stringToSign)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(signature.ScopeDate));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(signature.Region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(signature.Service));
        key = HMACSHA256.HashData(key, "aws4_request"u8.ToArray());
        return Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    /// <summary>Compares two hex signatures in constant time.</summary>
    public static bool SameSignature(string expected, string provided) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(provided));

    public static bool TryParseDate(string? text, out DateTimeOffset date)
    {
        if (text is not null && DateTimeOffset.TryParseExact(text, AmzDateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out date))
        {
            return true;
        }

        // Signers that do not send X-Amz-Date sign the HTTP Date header (RFC 1123).
        return DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out date);
    }

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private static string CanonicalPath(string rawPath)
    {
        if (string.IsNullOrEmpty(rawPath))
        {
            return "/";
        }

        return string.Join('/', rawPath.Split('/').Select(Encode));
    }

    private static string CanonicalQuery(string rawQuery, bool presigned)
    {
        var query = rawQuery.StartsWith('?') ? rawQuery[1..] : rawQuery;
        if (query.Length == 0)
        {
            return "";
        }

        var pairs = new List<(string Name, string Value)>();
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = Encode(Decode(eq < 0 ? part : part[..eq]));
            var value = eq < 0 ? "" : Encode(Decode(part[(eq + 1)..]));
            if (presigned && name == "X-Amz-Signature")
            {
                continue;
            }

            pairs.Add((name, value));
        }

        return string.Join('&', pairs.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value}"));
    }

    private static string CanonicalHeaderValue(string value)
    {
        var builder = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value.Trim())
        {
            if (c is ' ' or '\t')
            {
                space = true;
                continue;
            }

            if (space && builder.Length > 0)
            {
                builder.Append(' ');
            }

            space = false;
            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>RFC 3986 encoding of everything but the unreserved characters, upper-case hex, as SigV4 requires.</summary>
    public static string Encode(string value) => Uri.EscapeDataString(value);

    private static string Decode(string value)
    {
        try
        {
            return Uri.UnescapeDataString(value);
        }
        catch (UriFormatException)
        {
            return value;
        }
    }

    // Parts of a malformed header echoed in an error: bounded, and never a signature.
    private static string Shown(string text) => text.Length > 200 ? text[..200] + "…" : text;
}
