using System.Text;

namespace Orleans.AsyncInvoke.Tests.Gateway.Fuzz;

/// <summary>The values the fuzz draws from: well-formed ones that reach deep code paths, and every kind of junk.</summary>
internal static class FuzzValues
{
    /// <summary>Functions the run creates first (and may create again), so requests reach the grains.</summary>
    public static readonly string[] KnownFunctions = ["fuzz-echo", "fuzz-fail", "fuzz-spare", "echo", "flaky"];

    public const string Queue = "fuzz-q";
    public const string Bus = "fuzz-bus";
    public const string Rule = "fuzz-rule";
    public const string Alias = "live";

    private static readonly string[] EncodedJunk =
    [
        "%00", "%FF%FE", "%C0%AF", "%2F..%2F", "..%2F..%2Fetc", "%E2%80%AE", "%ZZ", "%", "%%", "%ED%A0%80", "%F0%9F",
        "%2e%2e", ".", "..", "%20", "+", "%2B%2B", "a%00b", "%u0041", "%7B%7D", "%22%27%3C%3E", "%F4%90%80%80",
    ];

    private static readonly string[] Unicode = ["é", "日本語", "🙂", "\u202Ename", "a\u0301", "\uFEFFx", "Ω≈ç√"];

    /// <summary>A path segment, already encoded for the URL.</summary>
    public static string Segment(Random rng, string parameter, IReadOnlyList<string> requestIds) => rng.Next(100) switch
    {
        < 50 => Uri.EscapeDataString(Good(rng, parameter, requestIds)),
        < 60 => Uri.EscapeDataString(Pick(rng, KnownFunctions) + ":" + Pick(rng, ["1", "2", "$LATEST", Alias, "no$such", "", "99999999999", Junk(rng, 10)])),
        < 68 => Uri.EscapeDataString(Arn(rng)),
        < 78 => Uri.EscapeDataString(Junk(rng, rng.Next(1, 40))),
        < 83 => new string(Pick(rng, ['a', '-', '_', '1']), Pick(rng, [65, 141, 257, 1000, 4000, 9000])),
        < 95 => string.Concat(Enumerable.Range(0, rng.Next(1, 4)).Select(_ => Pick(rng, EncodedJunk))) + (rng.Next(2) == 0 ? Pick(rng, KnownFunctions) : ""),
        _ => Uri.EscapeDataString(Pick(rng, Unicode)),
    };

    private static string Good(Random rng, string parameter, IReadOnlyList<string> requestIds) => parameter switch
    {
        "functionName" or "function" => Pick(rng, KnownFunctions),
        "functionUrn" => rng.Next(2) == 0 ? Pick(rng, KnownFunctions) : $"urn:fss:cn-north-4:p1:function:default:{Pick(rng, KnownFunctions)}{Pick(rng, ["", ":latest", ":1", ":" + Alias])}",
        "aliasName" => Pick(rng, [Alias, "$LATEST", "other", "1"]),
        "name" => Pick(rng, [Queue, "fuzz-topic", "fuzz-other"]),
        "bus" => Bus,
        "rule" => Pick(rng, [Rule, "other-rule"]),
        "requestId" => requestIds.Count > 0 && rng.Next(4) != 0 ? Pick(rng, requestIds) : Guid.NewGuid().ToString("D"),
        "receiptHandle" => $"m-{rng.Next(100)}.{rng.Next(3)}.{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())}",
        "projectId" => "p1",
        "account" => Pick(rng, ["000000000000", "123456789012"]),
        "queueName" => Pick(rng, [Queue, "fuzz-other"]),
        _ => Junk(rng, 8),
    };

    public static string Arn(Random rng) => Pick(rng,
    [
        $"arn:aws:lambda:us-east-1:000000000000:function:{Pick(rng, KnownFunctions)}",
        $"arn:aws:lambda:us-east-1:000000000000:function:{Pick(rng, KnownFunctions)}:{Alias}",
        $"000000000000:function:{Pick(rng, KnownFunctions)}",
        $"arn:aws-cn:lambda:cn-north-1:000000000000:function:{Pick(rng, KnownFunctions)}:$LATEST",
        "arn:aws:lambda:xx:1:function:x", "arn:aws:lambda:::function:", "arn:", "arn:aws:sqs:us-east-1:000000000000:fuzz-q",
    ]);

    /// <summary>A query string: known keys with junk values, repeated keys, junk keys.</summary>
    public static string Query(Random rng)
    {
        if (rng.Next(3) == 0)
        {
            return "";
        }

        var pairs = Enumerable.Range(0, rng.Next(1, 4)).Select(_ =>
        {
            var key = Pick(rng, ["Qualifier", "MaxItems", "Marker", "FunctionVersion", "integration", "max", "visibilityTimeout",
                "waitSeconds", "offset", "limit", "uri", "endpoint", Junk(rng, 5), "", "Qualifier"]);
            var value = key switch
            {
                // A valid long poll holds the request for its whole wait: keep those short.
                "waitSeconds" => Pick(rng, ["0", "1", "-1", "21", "abc", "", "1e3"]),
                "Qualifier" or "FunctionVersion" => Pick(rng, ["1", "$LATEST", Alias, "", "no such", Junk(rng, 12), new string('9', 200)]),
                "integration" => Pick(rng, ["async", "ASYNC", "sync", ""]),
                "uri" or "endpoint" => Pick(rng, ["queue://fuzz-q", "topic://fuzz-topic", "https://127.0.0.1:1/hook", "arn:aws:sqs:us-east-1:000000000000:fuzz-q", "queue://", "::", Junk(rng, 30), new string('q', 2000)]),
                _ => Number(rng),
            };
            return rng.Next(6) == 0 ? Pick(rng, EncodedJunk) + "=" + Pick(rng, EncodedJunk) : $"{Uri.EscapeDataString(key)}={Uri.EscapeDataString(value)}";
        });
        return "?" + string.Join('&', pairs) + (rng.Next(20) == 0 ? "&&=&" : "");
    }

    public static string Number(Random rng) => Pick(rng,
    [
        "0", "1", "-1", "10", "50", "1000", "10000", "10001", "2147483647", "2147483648", "-2147483649", "9223372036854775808",
        "1.5", "1e3", "abc", "", " 1", "0x10", "NaN", "Infinity", "٣", "1,2", "00001",
    ]);

    /// <summary>Printable junk: quotes, braces, slashes, spaces, non-ASCII.</summary>
    public static string Junk(Random rng, int length)
    {
        const string alphabet = "abcXYZ019 -_.:/\\?#[]@!$&'()*+,;=%\"<>{}|^`~éß日🙂";
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            var c = alphabet[rng.Next(alphabet.Length)];
            if (char.IsHighSurrogate(c) || char.IsLowSurrogate(c))
            {
                c = 'x';
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    public static T Pick<T>(Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];
}
