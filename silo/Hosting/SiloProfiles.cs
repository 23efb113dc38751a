using System.Net;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Destinations.Queue;
using Orleans.AsyncInvoke.Destinations.Storage;
using Orleans.AsyncInvoke.Destinations.Topic;
using Orleans.AsyncInvoke.Destinations.Webhook;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Invocations.Storage;
using Orleans.Configuration;
using Orleans.Persistence;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Silo.Hosting;

/// <summary>The storage profiles: embedded (memory, no server), Redis (durable) and kubernetes (Redis, pod identity).</summary>
public static class SiloProfiles
{
    /// <summary>The connection string key that switches the silo to the Redis profile.</summary>
    public const string RedisConnectionName = "Redis";

    /// <summary>Which profile the configuration selects.</summary>
    public static string Select(IConfiguration configuration) =>
        KubernetesProfile.IsSelected(configuration) ? KubernetesProfile.Name
        : string.IsNullOrWhiteSpace(configuration.GetConnectionString(RedisConnectionName)) ? "embedded" : "redis";

    /// <summary>Configures clustering, grain storage and reminders for the selected profile.</summary>
    public static ISiloBuilder UseAsyncInvokeProfile(this ISiloBuilder silo, IConfiguration configuration)
    {
        ClusterHostingOptions cluster;
        try
        {
            cluster = configuration.GetSection(ClusterHostingOptions.SectionName).Get<ClusterHostingOptions>() ?? new ClusterHostingOptions();
        }
        catch (InvalidOperationException ex)
        {
            // A value that does not parse (SiloPort=abc): the binder names the key and the type it expected.
            throw new OptionsValidationException(ClusterHostingOptions.SectionName, typeof(ClusterHostingOptions), [ex.Message]);
        }

        if (KubernetesProfile.IsSelected(configuration))
        {
            KubernetesProfile.ApplyPodIdentity(cluster, configuration);
            silo.UsePodName(configuration);
        }

        ClusterHostingOptionsValidator.ThrowIfInvalid(cluster);
        ClusterHostingOptionsValidator.ThrowIfPortsTaken(cluster);
        // Each invocation is a grain used once: with Orleans' default directory cache (a million entries) the silo
        // kept the address of every recent invocation, about 320 bytes each. Hot grains (functions, destinations,
        // limiters) fit easily in a tenth of that.
        silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = 100_000);

        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });

        var redis = configuration.GetConnectionString(RedisConnectionName);
        if (string.IsNullOrWhiteSpace(redis))
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
            silo.UseAsyncInvokeInMemory();
            // Everything runs on this machine in the embedded profile: webhooks on loopback are allowed.
            silo.Services.Configure<WebhookOptions>(o => o.AllowLoopback = true);
            return silo;
        }

        ConfigurationOptions Redis()
        {
            var options = ConfigurationOptions.Parse(redis);
            // Keep retrying while Redis restarts instead of failing the silo at the first refused connection.
            options.AbortOnConnectFail = false;
            // The .NET thread pool instead of the client's dedicated I/O threads: on a few cores those threads spin
            // and compete with the silo for the CPU.
            options.SocketManager = SocketManager.ThreadPool;
            return options;
        }

        var advertised = IPAddress.Parse(cluster.AdvertisedAddress);
        silo.ConfigureEndpoints(advertised, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
        silo.UseRedisClustering(o => o.ConfigurationOptions = Redis());
        foreach (var name in new[] { StorageNames.Functions, StorageNames.Invocations })
        {
            silo.AddRedisGrainStorage(name, o =>
            {
                o.ConfigurationOptions = Redis();
                o.DeleteStateOnClear = true;
            });
            // The Orleans binary serializer honours [Id]/[Alias], so stored state outlives renames of .NET types.
            silo.Services.AddOptions<RedisStorageOptions>(name)
                .Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
        }

        silo.UseRedisReminderService(o => o.ConfigurationOptions = Redis());
        silo.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(Redis()));
        silo.Services.AddSingleton<ITopicPublisher, RedisTopicPublisher>();
        silo.Services.AddSingleton<RedisStreamQueueStore>();
        silo.Services.AddSingleton<RedisDeliveryStore>();
        silo.Services.AddSingleton<IDeliveryStore>(sp => sp.GetRequiredService<RedisDeliveryStore>());
        silo.Services.AddSingleton<IInvocationStore, RedisInvocationStore>();
        silo.Services.AddSingleton<Orleans.AsyncInvoke.Hosting.IReadinessCheck, RedisReadinessCheck>();
        return silo;
    }
}
