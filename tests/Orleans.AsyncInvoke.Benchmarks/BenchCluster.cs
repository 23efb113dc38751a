using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.AsyncInvoke.Client;
using Orleans.AsyncInvoke.Testing;
using Orleans.Configuration;

namespace Orleans.AsyncInvoke.Benchmarks;

/// <summary>
/// One silo process of a profile (and its own <c>redis-server</c> in the Redis profile) with an Orleans client
/// connected to it; the silo can be SIGKILLed and started again on the same ports with the same environment.
/// </summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;
    private readonly string _clusterId;
    private readonly int _gatewayPort;
    private IHost? _client;

    private BenchCluster(string profile, RedisServer? redis, Dictionary<string, string> environment, string clusterId, int gatewayPort, int httpPort)
    {
        Profile = profile;
        Redis = redis;
        _environment = environment;
        _clusterId = clusterId;
        _gatewayPort = gatewayPort;
        HttpPort = httpPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Profile { get; }

    /// <summary>The cluster and service id the silo stores under.</summary>
    public string ServiceId => _clusterId;

    public RedisServer? Redis { get; }

    public int HttpPort { get; }

    /// <summary>The silo's HTTP endpoint (its own connection pool, for /metrics and /readyz).</summary>
    public HttpClient Http { get; }

    public SiloProcess Silo { get; private set; } = null!;

    public IAsyncInvoker Invoker { get; private set; } = null!;

    /// <summary>Starts Redis (Redis profile), the silo with <paramref name="extra"/> on top of the benchmark's environment, and a client.</summary>
    public static async Task<BenchCluster> StartAsync(string profile, IReadOnlyDictionary<string, string>? extra = null)
    {
        var redis = profile == "redis" ? new RedisServer() : null;
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

        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var cluster = new BenchCluster(profile, redis, environment, clusterId, gatewayPort, FreePort.Next());
        try
        {
            Console.WriteLine($"[{profile}] starting the silo{(extra is { Count: > 0 } ? $" ({string.Join(", ", extra.Select(e => $"{e.Key}={e.Value}"))})" : "")}...");
            cluster.Silo = await SiloProcess.StartAsync(cluster.HttpPort, environment);
            await cluster.ConnectAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A fresh Orleans client on the silo's gateway; <see cref="Invoker"/> is its SDK.</summary>
    public async Task ConnectAsync()
    {
        await DisconnectAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(c => c
            .UseStaticClustering(new IPEndPoint(IPAddress.Loopback, _gatewayPort))
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (_clusterId, _clusterId)));
        builder.Services.AddAsyncInvokeClient();
        var host = builder.Build();
        await host.StartAsync();
        _client = host;
        Invoker = host.Services.GetRequiredService<IAsyncInvoker>();
    }

    public async Task DisconnectAsync()
    {
        if (_client is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _client.StopAsync(timeout.Token);
            _client.Dispose();
            _client = null;
        }
    }

    /// <summary>
    /// SIGKILLs the silo (the client is stopped first), starts it again with the same environment and ports and
    /// returns the time from the kill until <c>/readyz</c> answered 2xx (polled every 200 ms). The client is not reconnected.
    /// </summary>
    public async Task<TimeSpan> KillAndRestartAsync(TimeSpan readyTimeout)
    {
        await DisconnectAsync();
        Silo.Kill();
        var clock = Stopwatch.StartNew();
        await Silo.DisposeAsync();
        Silo = await SiloProcess.StartAsync(HttpPort, _environment, readyTimeout);
        return clock.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await DisconnectAsync();
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException)
        {
            // A client that cannot stop cleanly is dropped with the silo.
        }

        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }

        Http.Dispose();
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }
}
