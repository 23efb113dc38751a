using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.AsyncInvoke.Client;
using Orleans.AsyncInvoke.Testing;
using Orleans.Configuration;

// Benchmarks against a real silo process, per profile: accept through the client SDK and through HTTP (Lambda Invoke
// Event), end to end (accept → completed), and in the Redis profile redis-benchmark SET with 50 clients as a baseline.
// Run by hand: dotnet run -c Release --project tests/Orleans.AsyncInvoke.Benchmarks -- [--quick] [--profile embedded|redis|both]
//   [--count 10000] [--concurrency 64] [--function echo]
var settings = BenchSettings.Parse(args);
if (settings is null)
{
    Console.WriteLine("usage: [--quick] [--profile embedded|redis|both] [--count N] [--concurrency C] [--function NAME] [--json PATH]");
    return 2;
}

var results = new List<AcceptResult>();
foreach (var profile in settings.Profiles)
{
    results.AddRange(await AcceptBench.RunAsync(profile, settings));
}

Console.WriteLine();
Console.WriteLine($"{"profile",-10} {"scenario",-22} {"count",8} {"callers",8} {"seconds",9} {"per second",11} {"p50 ms",8} {"p99 ms",8} {"max ms",8}");
foreach (var r in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{r.Profile,-10} {r.Scenario,-22} {r.Count,8} {r.Concurrency,8} {r.Seconds,9:F2} {r.PerSecond,11:F0} {r.P50Ms,8:F2} {r.P99Ms,8:F2} {r.MaxMs,8:F2}"));
}

var json = settings.JsonPath ?? Path.Combine("artifacts", "bench", $"accept-{TimeProvider.System.GetUtcNow():yyyyMMdd-HHmmss}.json");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
await File.WriteAllTextAsync(json, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"\nwritten: {json}");
return 0;

internal sealed record BenchSettings(string[] Profiles, int Count, int Concurrency, string Function, string? JsonPath)
{
    public static BenchSettings? Parse(string[] args)
    {
        var profiles = new[] { "embedded", "redis" };
        int count = 10_000, concurrency = 64;
        var quick = false;
        string function = "echo";
        string? json = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--profile" when value is "embedded" or "redis": profiles = [value]; i++; break;
                case "--profile" when value is "both": i++; break;
                case "--count" when int.TryParse(value, out count) && count > 0: i++; break;
                case "--concurrency" when int.TryParse(value, out concurrency) && concurrency > 0: i++; break;
                case "--function" when value is not null: function = value; i++; break;
                case "--json" when value is not null: json = value; i++; break;
                case "--quick": quick = true; break;
                default: return null;
            }
        }

        return new BenchSettings(profiles, quick ? Math.Min(count, 2_000) : count, concurrency, function, json);
    }
}

internal sealed record AcceptResult(string Profile, string Scenario, int Count, int Concurrency, double Seconds, double PerSecond, double P50Ms, double P99Ms, double MaxMs);

internal static class AcceptBench
{
    public static async Task<List<AcceptResult>> RunAsync(string profile, BenchSettings settings)
    {
        await using var redis = profile == "redis" ? new RedisServer() : null;
        if (redis is not null)
        {
            await redis.StartAsync();
        }

        var clusterId = $"bench-{Guid.NewGuid():N}";
        var gatewayPort = FreePort.Next();
        var httpPort = FreePort.Next();
        var environment = new Dictionary<string, string>
        {
            ["AsyncInvoke__Cluster__ClusterId"] = clusterId,
            ["AsyncInvoke__Cluster__ServiceId"] = clusterId,
            ["AsyncInvoke__Cluster__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["AsyncInvoke__Cluster__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Orleans.AsyncInvoke"] = "Warning",
        };
        if (redis is not null)
        {
            environment["ConnectionStrings__Redis"] = redis.ConnectionString;
        }

        Console.WriteLine($"[{profile}] starting the silo...");
        await using var silo = await SiloProcess.StartAsync(httpPort, environment);

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(c => c
            .UseStaticClustering(new IPEndPoint(IPAddress.Loopback, gatewayPort))
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId)));
        builder.Services.AddAsyncInvokeClient();
        using var host = builder.Build();
        await host.StartAsync();
        var invoker = host.Services.GetRequiredService<IAsyncInvoker>();
        var payload = Encoding.UTF8.GetBytes("""{"bench":true}""");
        var results = new List<AcceptResult>();
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();

        await RunCallersAsync(async () => { await invoker.InvokeEventAsync(settings.Function, payload); }, Math.Min(500, settings.Count), settings.Concurrency);
        Console.WriteLine($"[{profile}] accepting {settings.Count} invocations through the SDK with {settings.Concurrency} callers...");
        var sdk = await MeasureAsync(profile, "accept (client SDK)", settings,
            async () => ids.Add(await invoker.InvokeEventAsync(settings.Function, payload)));
        results.Add(sdk.Result);

        // End to end: from the first accept of the SDK run until every one of those invocations has completed.
        var pending = ids.ToList();
        while (pending.Count > 0)
        {
            var statuses = await Task.WhenAll(pending.Select(id => invoker.GetInvocationAsync(id)));
            pending = [.. pending.Where((_, i) => statuses[i] is not { IsFinal: true })];
            if (pending.Count > 0)
            {
                await Task.Delay(50);
            }
        }

        var e2e = sdk.Clock.Elapsed.TotalSeconds;
        results.Add(new AcceptResult(profile, "end to end (completed)", settings.Count, settings.Concurrency, e2e, settings.Count / e2e, 0, 0, 0));

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = settings.Concurrency }) { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
        Console.WriteLine($"[{profile}] accepting {settings.Count} invocations through HTTP with {settings.Concurrency} callers...");
        var viaHttp = await MeasureAsync(profile, "accept (HTTP Event)", settings, async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/2015-03-31/functions/{settings.Function}/invocations") { Content = new ByteArrayContent(payload) };
            request.Headers.Add("X-Amz-Invocation-Type", "Event");
            using var response = await http.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"HTTP accept answered {(int)response.StatusCode}.");
            }
        });
        results.Add(viaHttp.Result);
        await host.StopAsync();

        if (redis is not null)
        {
            results.Add(await RedisBaselineAsync(redis.Port));
        }

        return results;
    }

    private static async Task<(AcceptResult Result, Stopwatch Clock)> MeasureAsync(string profile, string scenario, BenchSettings settings, Func<Task> call)
    {
        var clock = Stopwatch.StartNew();
        var latencies = await RunCallersAsync(call, settings.Count, settings.Concurrency);
        var seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        double Percentile(double p) => latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p * latencies.Length) - 1)];
        return (new AcceptResult(profile, scenario, settings.Count, settings.Concurrency, seconds, settings.Count / seconds,
            Percentile(0.50), Percentile(0.99), latencies[^1]), clock);
    }

    /// <summary>redis-benchmark SET with 50 clients against the same server: what the store can do on this machine.</summary>
    private static async Task<AcceptResult> RedisBaselineAsync(int port)
    {
        var start = new ProcessStartInfo("redis-benchmark", ["-p", port.ToString(CultureInfo.InvariantCulture), "-t", "set", "-c", "50", "-n", "100000", "-q"])
        {
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var match = System.Text.RegularExpressions.Regex.Match(output, @"SET: ([0-9.]+) requests per second");
        var perSecond = match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN;
        return new AcceptResult("redis", "redis-benchmark SET", 100_000, 50, 100_000 / perSecond, perSecond, 0, 0, 0);
    }

    private static async Task<double[]> RunCallersAsync(Func<Task> call, int count, int concurrency)
    {
        var latencies = new double[count];
        var next = -1;
        async Task Caller()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var start = Stopwatch.GetTimestamp();
                await call();
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Caller)));
        return latencies;
    }
}
