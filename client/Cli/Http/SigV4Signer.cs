using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Orleans.AsyncInvoke.Cli.Http;

/// <summary>
/// Signature Version 4 (<c>AWS4-HMAC-SHA256</c>) in the header form the AWS SDKs send: the body's SHA-256 in
/// <c>x-amz-content-sha256</c>, and <c>host</c>, that header and <c>x-amz-date</c> signed.
/// </summary>
internal static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>Adds <c>X-Amz-Date</c>, <c>x-amz-content-sha256</c> and <c>Authorization</c> to <paramref name="request"/>.</summary>
    public static void Sign(HttpRequestMessage request, ReadOnlySpan<byte> body, AwsCredentials credentials, string region, string service, DateTimeOffset now)
    {
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var payloadHash = Hex(SHA256.HashData(body));
        var headers = new List<(string Name, string Value)>
        {
            ("host", uri.Authority),
            ("x-amz-content-sha256", payloadHash),
            ("x-amz-date", amzDate),
        };
        if (credentials.SessionToken is { Length: > 0 } token)
        {
            headers.Add(("x-amz-security-token", token));
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", token);
        }

        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("x-amz-content-sha256", payloadHash);
        request.Headers.TryAddWithoutValidation("Authorization",
            AuthorizationHeader(request.Method.Method, uri.AbsolutePath, uri.Query, headers, payloadHash, credentials, region, service, now));
    }

    /// <summary>
    /// The <c>Authorization</c> value for a request. <paramref name="rawPath"/> and <paramref name="rawQuery"/> are the
    /// request target as sent (percent-encoded once); services other than S3 sign the path encoded once more.
    /// </summary>
    public static string AuthorizationHeader(string method, string rawPath, string rawQuery, IReadOnlyList<(string Name, string Value)> headers,
        string payloadHash, AwsCredentials credentials, string region, string service, DateTimeOffset now)
    {
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var sorted = headers
            .Select(h => (Name: h.Name.ToLowerInvariant(), Value: h.Value.Trim()))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        var signedHeaders = string.Join(';', sorted.Select(h => h.Name));
        var canonical = new StringBuilder()
            .Append(method).Append('\n')
            .Append(CanonicalPath(rawPath)).Append('\n')
            .Append(CanonicalQuery(rawQuery)).Append('\n');
        foreach (var (name, value) in sorted)
        {
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);

        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + credentials.SecretAccessKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        var signature = Hex(Hmac(key, stringToSign));
        return $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
    }

    private static string CanonicalPath(string rawPath) =>
        string.IsNullOrEmpty(rawPath) ? "/" : string.Join('/', rawPath.Split('/').Select(Uri.EscapeDataString));

    private static string CanonicalQuery(string rawQuery)
    {
        var query = rawQuery.StartsWith('?') ? rawQuery[1..] : rawQuery;
        return string.Join('&', query
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(part =>
            {
                var eq = part.IndexOf('=', StringComparison.Ordinal);
                var name = Uri.EscapeDataString(Uri.UnescapeDataString(eq < 0 ? part : part[..eq]));
                var value = eq < 0 ? "" : Uri.EscapeDataString(Uri.UnescapeDataString(part[(eq + 1)..]));
                return (Name: name, Value: value);
            })
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
