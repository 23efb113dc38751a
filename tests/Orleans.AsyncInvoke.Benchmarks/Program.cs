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

// Accept benchmark: N asynchronous invocations through the client SDK against a real silo process, per profile.
// Run by hand: dotnet run -c Release --project tests/Orleans.AsyncInvoke.Benchmarks -- [--profile embedded|redis|both]
//   [--count 10000] [--concurrency 64] [--function echo]
var settings = BenchSettings.Parse(args);
if (settings is null)
{
    Console.WriteLine("usage: [--profile embedded|redis|both] [--count N] [--concurrency C] [--function NAME] [--json PATH]");
    return 2;
}

var results = new List<AcceptResult>();
foreach (var profile in settings.Profiles)
{
    results.Add(await AcceptBench.RunAsync(profile, settings));
}

Console.WriteLine();
Console.WriteLine($"{"profile",-10} {"count",8} {"callers",8} {"seconds",9} {"accepted/s",11} {"p50 ms",8} {"p99 ms",8} {"max ms",8}");
foreach (var r in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{r.Profile,-10} {r.Count,8} {r.Concurrency,8} {r.Seconds,9:F2} {r.PerSecond,11:F0} {r.P50Ms,8:F2} {r.P99Ms,8:F2} {r.MaxMs,8:F2}"));
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
                default: return null;
            }
        }

        return new BenchSettings(profiles, count, concurrency, function, json);
    }
}

internal sealed record AcceptResult(string Profile, int Count, int Concurrency, double Seconds, double PerSecond, double P50Ms, double P99Ms, double MaxMs);

internal static class AcceptBench
{
    public static async Task<AcceptResult> RunAsync(string profile, BenchSettings settings)
    {
        await using var redis = profile == "redis" ? new RedisServer() : null;
        if (redis is not null)
        {
            await redis.StartAsync();
        }

        var clusterId = $"bench-{Guid.NewGuid():N}";
        var gatewayPort = FreePort.Next();
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
        await using var silo = await SiloProcess.StartAsync(FreePort.Next(), environment);

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

        await RunCallersAsync(invoker, settings.Function, payload, Math.Min(500, settings.Count), settings.Concurrency);
        Console.WriteLine($"[{profile}] accepting {settings.Count} invocations with {settings.Concurrency} callers...");
        var clock = Stopwatch.StartNew();
        var latencies = await RunCallersAsync(invoker, settings.Function, payload, settings.Count, settings.Concurrency);
        var seconds = clock.Elapsed.TotalSeconds;
        await host.StopAsync();

        Array.Sort(latencies);
        double Percentile(double p) => latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p * latencies.Length) - 1)];
        return new AcceptResult(profile, settings.Count, settings.Concurrency, seconds, settings.Count / seconds,
            Percentile(0.50), Percentile(0.99), latencies[^1]);
    }

    private static async Task<double[]> RunCallersAsync(IAsyncInvoker invoker, string function, byte[] payload, int count, int concurrency)
    {
        var latencies = new double[count];
        var next = -1;
        async Task Caller()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var start = Stopwatch.GetTimestamp();
                await invoker.InvokeEventAsync(function, payload);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Caller)));
        return latencies;
    }
}
