using System.Text;
using static Orleans.AsyncInvoke.Tests.Gateway.Fuzz.FuzzValues;

namespace Orleans.AsyncInvoke.Tests.Gateway.Fuzz;

/// <summary>One generated request; <see cref="Seed"/> rebuilds it exactly.</summary>
internal sealed class FuzzRequest
{
    private static readonly string[] OtherMethods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "PROPFIND", "TRACE", "FOO", "get"];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "text/plain", "application/octet-stream", "application/x-amz-json-1.1",
        "multipart/form-data; boundary=x", "junk", "application/json; charset=utf-16", "application/xml", "*/*", "application/problem+json",
        "application/x-www-form-urlencoded", "text/json;;;", "application/json; charset=\"",
    ];

    public required int Seed { get; init; }

    public required FuzzRoute Route { get; init; }

    public required string Method { get; init; }

    public required string PathAndQuery { get; init; }

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public byte[]? Body { get; init; }

    public string? ContentType { get; init; }

    /// <summary>Sent without a Content-Length (chunked), so the server cannot refuse it before reading.</summary>
    public bool Chunked { get; init; }

    /// <summary>Bytes written straight to a socket instead (malformed HTTP a client library would refuse to send).</summary>
    public byte[]? Raw { get; init; }

    /// <summary>The raw request's client stops sending after it (its body is cut short).</summary>
    public bool RawHalfClose { get; init; }

    public static FuzzRequest Create(int seed, IReadOnlyList<FuzzRoute> routes, IReadOnlyList<string> requestIds)
    {
        var rng = new Random(seed);
        var route = Pick(rng, routes);
        var method = rng.Next(100) < 80 ? Pick(rng, route.Methods) : Pick(rng, OtherMethods);
        var path = route.Path(parameter => Segment(rng, parameter, requestIds)) + Query(rng);
        var sendsBody = method is "POST" or "PUT" or "PATCH" ? rng.Next(20) != 0 : rng.Next(10) == 0;
        var body = sendsBody ? FuzzBodies.Body(route, rng) : null;
        if (rng.Next(100) < 3)
        {
            var (raw, halfClose) = FuzzRaw.Request(rng, method, path, body);
            return new FuzzRequest { Seed = seed, Route = route, Method = method, PathAndQuery = path, Raw = raw, RawHalfClose = halfClose };
        }

        var request = new FuzzRequest
        {
            Seed = seed,
            Route = route,
            Method = method,
            PathAndQuery = path,
            Body = body,
            ContentType = body is null || rng.Next(10) == 0 ? null : rng.Next(2) == 0 ? "application/json" : Pick(rng, ContentTypes),
            Chunked = body is not null && rng.Next(5) == 0,
        };
        request.AddHeaders(rng);
        return request;
    }

    /// <summary>Non-ASCII header bytes go through <see cref="FuzzRaw"/>: the client library refuses to send them.</summary>
    private void AddHeader(string name, string value) =>
        Headers.Add(new(name, string.Concat(value.Select(c => c is >= ' ' and <= '~' ? c : '?'))));

    private void AddHeaders(Random rng)
    {
        if (Route.Template == "/" || Route.Template.StartsWith("/{account", StringComparison.Ordinal))
        {
            if (rng.Next(4) != 0)
            {
                AddHeader("X-Amz-Target", Pick(rng, ["AmazonSQS.SendMessage", "AmazonSQS.ReceiveMessage", "AmazonSQS.CreateQueue", "AmazonSQS.SendMessageBatch",
                    "AmazonSQS.GetQueueAttributes", "AmazonSQS.DeleteMessage", "AmazonSQS.Frobnicate", "AWSEvents.PutEvents", "", Junk(rng, 20)]));
            }
        }

        if (rng.Next(3) == 0 || PathAndQuery.Contains("/invocations", StringComparison.Ordinal))
        {
            AddHeader("X-Amz-Invocation-Type", Pick(rng, ["Event", "Event", "RequestResponse", "DryRun", "event", "", " Event", "Sideways", Junk(rng, 20), new string('E', 5000)]));
        }

        if (rng.Next(8) == 0)
        {
            AddHeader("X-Amz-Client-Context", Pick(rng, [Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"custom\":{\"a\":1}}")), "!!notbase64!!", "e30", Convert.ToBase64String(new byte[3000]), Junk(rng, 50)]));
        }

        if (rng.Next(8) == 0)
        {
            AddHeader("X-Amz-Log-Type", Pick(rng, ["Tail", "None", "junk"]));
        }

        if (rng.Next(6) == 0)
        {
            AddHeader("Idempotency-Key", Pick(rng, ["k1", "k2", new string('k', 256), new string('k', 257), Junk(rng, 30), "日本"]));
        }

        if (rng.Next(8) == 0)
        {
            AddHeader("X-Call-Id", Pick(rng, [$"call-{rng.Next(50)}", "a/b", new string('c', 129), Junk(rng, 20), " "]));
        }

        if (rng.Next(10) == 0)
        {
            AddHeader("X-Callback-Url", Pick(rng, ["http://127.0.0.1:1/cb", "ftp://x/y", "not a url", "https://", new string('u', 3000), Junk(rng, 30)]));
        }

        if (rng.Next(8) == 0)
        {
            AddHeader("traceparent", Pick(rng, ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "00-zz-zz-zz", "ff-" + new string('0', 200), Junk(rng, 60)]));
        }

        if (rng.Next(20) == 0)
        {
            AddHeader("Content-Encoding", Pick(rng, ["gzip", "br", "identity", "junk"]));
        }

        if (rng.Next(50) == 0)
        {
            // Past Kestrel's 32 KiB of headers (431) and well within it.
            AddHeader("X-Fuzz-Large", new string('v', Pick(rng, [4_000, 16_000, 40_000, 70_000])));
        }

        if (rng.Next(100) == 0)
        {
            for (var i = 0; i < Pick(rng, [50, 120]); i++)
            {
                AddHeader($"X-Fuzz-{i}", "v");
            }
        }
    }

    public string Describe()
    {
        var body = Raw ?? Body;
        var preview = body is null ? "(no body)" : $"{body.Length} bytes: {Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 160)).ReplaceLineEndings("\\n")}";
        var headers = string.Join("; ", Headers.Select(h => $"{h.Key}: {(h.Value.Length > 40 ? h.Value[..40] + "…" : h.Value)}"));
        return $"seed {Seed} {(Raw is null ? "" : "raw ")}{Method} {(PathAndQuery.Length > 200 ? PathAndQuery[..200] + "…" : PathAndQuery)} "
            + $"[{Route.Template}] Content-Type: {ContentType ?? "-"}{(Chunked ? " chunked" : "")} {headers} {preview}";
    }
}
