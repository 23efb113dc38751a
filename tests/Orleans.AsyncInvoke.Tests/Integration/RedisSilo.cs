using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.AsyncInvoke.Client;
using Orleans.AsyncInvoke.Testing;
using Orleans.Configuration;

namespace Orleans.AsyncInvoke.Tests.Integration;

/// <summary>The settings of one Redis-profile silo that a test starts, kills and starts again on the same ports.</summary>
internal sealed class RedisSilo(string redis, double timeCompression = 60, IReadOnlyDictionary<string, string>? settings = null, string? clusterId = null, int shards = 1)
{
    private readonly string _clusterId = clusterId ?? $"it-{Guid.NewGuid():N}";

    public RedisSilo(RedisServer redis, double timeCompression = 60, IReadOnlyDictionary<string, string>? settings = null, string? clusterId = null)
        : this(redis.ConnectionString, timeCompression, settings, clusterId)
    {
    }

    /// <summary>One connection for the test's own reads of the store (it outlives silo kills; Redis restarts reconnect it).</summary>
    private readonly Lazy<Task<StackExchange.Redis.ConnectionMultiplexer>> _connection =
        new(() => StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"{redis},abortConnect=false"));
    private readonly int _siloPort = FreePort.Next();
    private readonly int _gatewayPort = FreePort.Next();
    private readonly int _httpPort = FreePort.Next();

    /// <summary>The port of the silo's HTTP gateway.</summary>
    public int HttpPort => _httpPort;

    /// <summary>The service id the silo stores under.</summary>
    public string ServiceId => _clusterId;

    /// <summary>Starts the silo; the test's <c>settings</c> override the defaults below.</summary>
    public Task<SiloProcess> StartAsync() => StartAsync(TimeSpan.FromSeconds(60));

    /// <summary>Starts the silo and waits up to <paramref name="readyTimeout"/> for it to be ready.</summary>
    public Task<SiloProcess> StartAsync(TimeSpan readyTimeout)
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Redis"] = redis,
            ["AsyncInvoke__Cluster__ClusterId"] = _clusterId,
            ["AsyncInvoke__Cluster__ServiceId"] = _clusterId,
            ["AsyncInvoke__Cluster__SiloPort"] = _siloPort.ToString(CultureInfo.InvariantCulture),
            ["AsyncInvoke__Cluster__GatewayPort"] = _gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["AsyncInvoke__TimeCompression"] = timeCompression.ToString(CultureInfo.InvariantCulture),
            ["AsyncInvoke__Webhooks__AllowLoopback"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return SiloProcess.StartAsync(_httpPort, environment, readyTimeout);
    }

    /// <summary>The silo's HTTP address.</summary>
    public Uri HttpAddress => new($"http://127.0.0.1:{_httpPort}");

    /// <summary>An Orleans client host connected to the silo's gateway, with the SDK registered.</summary>
    public async Task<(IHost Host, IAsyncInvoker Invoker)> ConnectAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client => client
            .UseStaticClustering(new IPEndPoint(IPAddress.Loopback, _gatewayPort))
            .Configure<ClusterOptions>(o =>
            {
                o.ClusterId = _clusterId;
                o.ServiceId = _clusterId;
            }));
        builder.Services.AddAsyncInvokeClient();
        var host = builder.Build();
        await host.StartAsync();
        return (host, host.Services.GetRequiredService<IAsyncInvoker>());
    }

    /// <summary>
    /// Whether the invocation is final, read from Redis without touching its grain (a status read would activate it
    /// and run what is due): final invocations wait in the <c>wake:finished</c> index.
    /// </summary>
    public async Task<bool> IsFinalAsync(string requestId)
    {
        var connection = await _connection.Value;
        return await connection.GetDatabase().SortedSetScoreAsync(Prefix(requestId) + "wake:finished", requestId) is not null;
    }

    /// <summary>Waits until every invocation is final, without touching their grains.</summary>
    public Task WaitFinalAsync(IEnumerable<string> requestIds, TimeSpan patience) =>
        Task.WhenAll(requestIds.Select(id => Infrastructure.Eventually.TrueAsync(() => IsFinalAsync(id), $"{id} to be final", patience)));

    /// <summary>Failed delivery attempts to a destination (canonical key), read from its counters in Redis.</summary>
    public async Task<long> DeliveryFailuresAsync(string destination)
    {
        var connection = await _connection.Value;
        var failures = await connection.GetDatabase().HashGetAsync($"asyncinvoke:{ServiceId}:dlv:counters:{destination}", "failures");
        return failures.HasValue ? (long)failures : 0;
    }

    /// <summary>The key prefix of the shard that stores <paramref name="requestId"/>.</summary>
    public string Prefix(string requestId)
    {
        var layout = new Orleans.AsyncInvoke.Invocations.Storage.RedisLayout(ServiceId, shards);
        return layout.Prefix(layout.ShardOf(requestId));
    }
}
