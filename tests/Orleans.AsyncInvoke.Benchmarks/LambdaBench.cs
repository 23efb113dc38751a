using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Orleans.AsyncInvoke.Benchmarks;

/// <summary>
/// Lambda function code per runtime (embedded profile, synchronous Invoke over HTTP), side by side with the in-process
/// <c>dotnet:echo</c> in the same run: cold start (CreateFunction → first response, and the first Invoke alone), warm
/// Invoke latency p50/p99 of a no-op handler — the runtime's share is its p50 minus echo's — and warm throughput of one
/// function with several callers (one environment per caller).
/// </summary>
internal static class LambdaBench
{
    private const string Role = "arn:aws:iam::000000000000:role/bench";

    private static readonly (string Runtime, string Handler, (string Name, string Text, bool Executable)[] Files)[] Runtimes =
    [
        ("python3.12", "app.handler", [("app.py", "def handler(event, context):\n    return event\n", false)]),
        ("nodejs20.x", "index.handler", [("index.mjs", "export const handler = async (event) => event;\n", false)]),
        ("provided.al2023", "function.handler", [("bootstrap", """
            #!/bin/sh
            # AWS's custom-runtime tutorial loop: curl for each call of the Runtime API.
            set -eu
            API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
            while true; do
              HEADERS="$(mktemp)"
              EVENT=$(curl -sS -LD "$HEADERS" "$API/invocation/next")
              ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
              rm -f "$HEADERS"
              curl -sS "$API/invocation/$ID/response" -d "$EVENT" >/dev/null
            done
            """.Replace("\r", "", StringComparison.Ordinal) + "\n", true)]),
    ];

    public static async Task<IReadOnlyList<BenchResult>> RunAsync(BenchSettings settings)
    {
        var results = new List<BenchResult>();
        await using var cluster = await BenchCluster.StartAsync("embedded");
        var http = cluster.Http;
        var colds = settings.Quick ? 3 : 10;
        var warm = settings.Quick ? 200 : 1_000;
        var callers = Math.Min(settings.Concurrency, 8);
        var throughputCount = settings.Quick ? 1_000 : 5_000;

        var baseline = await MeasureAsync(http, "dotnet:echo", null, null, [], colds, warm, callers, throughputCount);
        results.AddRange(baseline.Rows("dotnet:echo", baseline));
        foreach (var (runtime, handler, files) in Runtimes)
        {
            // The shell bootstrap starts several programs per event: fewer of them keep its run short.
            var scale = runtime.StartsWith("provided", StringComparison.Ordinal) ? 10 : 1;
            var measured = await MeasureAsync(http, runtime, runtime, handler, files, colds, warm / scale, callers, throughputCount / scale);
            results.AddRange(measured.Rows(runtime, baseline));
        }

        return results;
    }

    private static async Task<Measured> MeasureAsync(HttpClient http, string label, string? runtime, string? handler,
        (string Name, string Text, bool Executable)[] files, int colds, int warm, int callers, int throughputCount)
    {
        Console.WriteLine($"[lambda] {label}: {colds} cold starts, {warm} warm invokes, {throughputCount} with {callers} callers...");
        var zip = runtime is null ? null : Zip(files);
        var createToResponse = new List<double>();
        var firstInvoke = new List<double>();
        string? name = null;
        for (var i = 0; i < colds; i++)
        {
            name = $"bench-{label.Replace('.', '-').Replace(':', '-')}-{Guid.NewGuid():N}"[..48];
            var started = Stopwatch.GetTimestamp();
            await CreateAsync(http, name, runtime, handler, zip);
            var created = Stopwatch.GetTimestamp();
            await InvokeAsync(http, name);
            createToResponse.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            firstInvoke.Add(Stopwatch.GetElapsedTime(created).TotalMilliseconds);
        }

        var latencies = new List<double>(warm);
        for (var i = 0; i < warm; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await InvokeAsync(http, name!);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        // Warm the callers' environments first, so that the throughput run measures warm invokes only.
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => InvokeAsync(http, name!)));
        var remaining = throughputCount;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                await InvokeAsync(http, name!);
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        return new Measured(Percentiles.Of(createToResponse), Percentiles.Of(firstInvoke), Percentiles.Of(latencies), throughputCount, callers, seconds);
    }

    private static async Task CreateAsync(HttpClient http, string name, string? runtime, string? handler, byte[]? zip)
    {
        object body = zip is null
            ? new { FunctionName = name, Role, PackageType = "Image", Code = new { ImageUri = "dotnet:echo" } }
            : new { FunctionName = name, Role, Runtime = runtime, Handler = handler, Timeout = 30, Code = new { ZipFile = Convert.ToBase64String(zip) } };
        using var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri("/2015-03-31/functions", UriKind.Relative), content);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"CreateFunction {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task InvokeAsync(HttpClient http, string name)
    {
        using var content = new ByteArrayContent("""{"ping":1}"""u8.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(new Uri($"/2015-03-31/functions/{name}/invocations", UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode || response.Headers.Contains("X-Amz-Function-Error"))
        {
            throw new InvalidOperationException($"Invoke {name}: {(int)response.StatusCode} {text}");
        }
    }

    private static byte[] Zip((string Name, string Text, bool Executable)[] files)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text, executable) in files)
            {
                var entry = zip.CreateEntry(name);
                entry.ExternalAttributes = (executable ? 0b111_101_101 : 0b110_100_100) << 16 | (0b1000 << 28);
                using var writer = new StreamWriter(entry.Open(), new UTF8Encoding(false));
                writer.Write(text);
            }
        }

        return buffer.ToArray();
    }

    private sealed record Measured(Percentiles CreateToResponse, Percentiles FirstInvoke, Percentiles Warm, int ThroughputCount, int Callers, double ThroughputSeconds)
    {
        public IEnumerable<BenchResult> Rows(string label, Measured baseline)
        {
            var share = Warm.P50 - baseline.Warm.P50;
            yield return new BenchResult("embedded", $"cold start {label}", CreateToResponse.Count, 1, 0, double.NaN,
                CreateToResponse.P50, CreateToResponse.P99, CreateToResponse.Max,
                Fmt.Inv($"CreateFunction → first response; the first Invoke alone p50 {FirstInvoke.P50:F1} ms, max {FirstInvoke.Max:F1} ms"),
                new Dictionary<string, double> { ["firstInvokeP50Ms"] = FirstInvoke.P50, ["firstInvokeMaxMs"] = FirstInvoke.Max });
            yield return new BenchResult("embedded", $"warm invoke {label}", Warm.Count, 1, 0, 1_000 / Warm.P50,
                Warm.P50, Warm.P99, Warm.Max,
                ReferenceEquals(this, baseline) ? "sequential sync Invoke over HTTP (baseline)" : Fmt.Inv($"sequential sync Invoke; runtime's share {share:F2} ms over dotnet:echo's p50"),
                new Dictionary<string, double> { ["runtimeShareP50Ms"] = share });
            yield return new BenchResult("embedded", $"warm throughput {label}", ThroughputCount, Callers, ThroughputSeconds, ThroughputCount / ThroughputSeconds,
                double.NaN, double.NaN, double.NaN,
                Fmt.Inv($"one function, {Callers} callers (an environment each); {ThroughputCount / ThroughputSeconds / (baseline.ThroughputCount / baseline.ThroughputSeconds):P0} of dotnet:echo"));
        }
    }
}
