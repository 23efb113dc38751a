using System.Net;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Client;
using Orleans.AsyncInvoke.Destinations.Queue;
using Orleans.AsyncInvoke.Destinations.Storage;
using Orleans.AsyncInvoke.Destinations.Topic;
using Orleans.AsyncInvoke.Destinations.Webhook;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Invocations.Storage;
using Orleans.AsyncInvoke.Security;
using Orleans.Dashboard;
using Orleans.Configuration;
using Orleans.Persistence;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Silo.Hosting;

/// <summary>The storage profiles: embedded (memory, no server), Redis (durable) and kubernetes (Redis, pod identity).</summary>
public static partial class SiloProfiles
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
        UseClusterTls(silo, configuration);
        if (WebConsole.ConsoleSettings.DashboardEnabled(configuration))
        {
            // The Orleans Dashboard beside the console. Its grain profiler runs only while someone looks at it, and
            // its live log stream stays off unless asked for.
            silo.AddDashboard(o => o.HideTrace = !WebConsole.ConsoleSettings.DashboardTrace(configuration));
        }

        // Each invocation is a grain used once, and every one of them left its address in the directory cache: with
        // Orleans' default (a million entries) the silo kept the address of every recent invocation, about 320 bytes
        // each, and the cache-size gauge, collected every second while the dashboard runs, walked all of them. The
        // hot grains (functions, destinations, limiters) are looked up all the time and stay in a far smaller cache.
        silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = 10_000);

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
            // Everything runs on this machine in the embedded profile: webhooks on loopback are allowed, and so are
            // local programs unless configured otherwise (its HTTP gateway serves loopback only unless secured).
            silo.Services.Configure<WebhookOptions>(o => o.AllowLoopback = true);
            var allowLocalPrograms = configuration.GetValue($"{ExecutionOptions.SectionName}:{nameof(ExecutionOptions.AllowLocalPrograms)}", true);
            silo.Services.PostConfigure<ExecutionOptions>(o => o.AllowLocalPrograms = allowLocalPrograms);
            return silo;
        }

        var redisTls = configuration.GetSection(RedisTlsOptions.SectionName).Get<RedisTlsOptions>() ?? new RedisTlsOptions();
        if (!string.IsNullOrWhiteSpace(redisTls.CaPath) && !File.Exists(redisTls.CaPath))
        {
            throw new OptionsValidationException(RedisTlsOptions.SectionName, typeof(RedisTlsOptions),
                [$"{RedisTlsOptions.SectionName}:CaPath names a file that does not exist ({redisTls.CaPath})."]);
        }

        ConfigurationOptions Redis()
        {
            var options = ConfigurationOptions.Parse(redis);
            if (!string.IsNullOrWhiteSpace(redisTls.CaPath))
            {
                // A private CA signs the server's certificate (ssl=true in the connection string turns TLS on).
                options.TrustIssuer(redisTls.CaPath);
            }

            // Keep retrying while Redis restarts instead of failing the silo at the first refused connection.
            options.AbortOnConnectFail = false;
            // The .NET thread pool instead of the client's dedicated I/O threads: on a few cores those threads spin
            // and compete with the silo for the CPU.
            options.SocketManager = SocketManager.ThreadPool;
            return options;
        }

        var store = RedisStoreOptions.Read(configuration);
        if (ThrowIfRedisRefusesTheCredentials(Redis()) is { } reachedCluster)
        {
            // Reachable now: a layout that cannot work on this Redis stops the start here, naming the key.
            store.ShardsFor(reachedCluster);
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
        silo.Services.AddSingleton(sp =>
        {
            var connection = sp.GetRequiredService<IConnectionMultiplexer>();
            var onCluster = IsCluster(connection);
            var layout = new RedisLayout(sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId, store.ShardsFor(onCluster));
            LogLayout(sp.GetRequiredService<ILoggerFactory>().CreateLogger("Orleans.AsyncInvoke.Silo"),
                onCluster ? "Redis Cluster" : "a single Redis", layout.Shards, store.WaitForReplicas, store.WaitTimeout);
            return layout;
        });
        if (store.WaitForReplicas > 0)
        {
            silo.Services.AddSingleton(_ =>
            {
                // WAIT blocks the connection it is sent on: accepts get one of their own, whose command timeout
                // outlasts the wait.
                var options = Redis();
                options.AsyncTimeout = options.SyncTimeout = Math.Max(options.AsyncTimeout, (int)store.WaitTimeout.TotalMilliseconds + 5000);
                return new RedisReplicaBarrier(ConnectionMultiplexer.Connect(options), store.WaitForReplicas, store.WaitTimeout);
            });
        }

        silo.Services.AddSingleton<ITopicPublisher, RedisTopicPublisher>();
        silo.Services.AddSingleton<RedisStreamQueueStore>();
        silo.Services.AddSingleton<RedisDeliveryStore>();
        silo.Services.AddSingleton<IDeliveryStore>(sp => sp.GetRequiredService<RedisDeliveryStore>());
        silo.Services.AddSingleton<IInvocationStore, RedisInvocationStore>();
        silo.Services.AddSingleton<Orleans.AsyncInvoke.Execution.Lambda.ICodeStore, Orleans.AsyncInvoke.Execution.Lambda.RedisCodeStore>();
        silo.Services.AddSingleton<Orleans.AsyncInvoke.Hosting.IReadinessCheck, RedisReadinessCheck>();
        return silo;
    }

    private static void UseClusterTls(ISiloBuilder silo, IConfiguration configuration)
    {
        var tls = configuration.GetSection(ClusterTlsOptions.SectionName).Get<ClusterTlsOptions>() ?? new ClusterTlsOptions();
        var problems = ClusterTls.Problems(tls);
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(ClusterTlsOptions.SectionName, typeof(ClusterTlsOptions), [.. problems]);
        }

        if (tls.Enabled)
        {
            var authorities = ClusterTls.LoadAuthorities(tls.CaPath!);
            silo.UseTls(ClusterTls.LoadCertificate(tls), o => ClusterTls.Configure(o, authorities));
        }
    }

    /// <summary>
    /// Whether the Redis behind <paramref name="redis"/> is a cluster: waits for its first connection, since the
    /// layout of everything stored depends on it (the silo cannot join its cluster without Redis either).
    /// </summary>
    private static bool IsCluster(IConnectionMultiplexer redis)
    {
        while (true)
        {
            var connected = redis.GetServers().Where(s => s.IsConnected).ToList();
            if (connected.Count > 0)
            {
                return connected.Any(s => s.ServerType == ServerType.Cluster);
            }

            Thread.Sleep(TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>
    /// Connects once before anything starts: a Redis that refuses the password, the user or the TLS handshake stops the
    /// start with a message naming the key (never the secret) instead of retrying forever. A Redis that is merely not
    /// up yet is waited for, as when it restarts.
    /// </summary>
    /// <returns>Whether Redis is a cluster, or <c>null</c> when it could not be reached yet.</returns>
    private static bool? ThrowIfRedisRefusesTheCredentials(ConfigurationOptions options)
    {
        var probe = options.Clone();
        probe.AbortOnConnectFail = true;
        probe.ConnectRetry = 1;
        probe.ConnectTimeout = 5000;
        try
        {
            using var connection = ConnectionMultiplexer.Connect(probe);
            connection.GetDatabase().Ping();
            return IsCluster(connection);
        }
        catch (RedisConnectionException ex) when (ex.FailureType == ConnectionFailureType.AuthenticationFailure)
        {
            throw new OptionsValidationException($"ConnectionStrings:{RedisConnectionName}", typeof(ConfigurationOptions),
                [$"Redis refused this silo's credentials or TLS handshake: check password=, user= and ssl= in ConnectionStrings:{RedisConnectionName}, and {RedisTlsOptions.SectionName}:CaPath when the server's certificate is signed by a private CA."]);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOAUTH", StringComparison.Ordinal) || ex.Message.StartsWith("WRONGPASS", StringComparison.Ordinal))
        {
            throw new OptionsValidationException($"ConnectionStrings:{RedisConnectionName}", typeof(ConfigurationOptions),
                [$"Redis requires a password this silo does not have right: set password= (and user= for an ACL user) in ConnectionStrings:{RedisConnectionName}."]);
        }
        catch (RedisConnectionException)
        {
            // Not reachable yet: the silo's connections keep retrying until it is.
            return null;
        }
        catch (RedisTimeoutException)
        {
            // Reachable but slow to answer: the same.
            return null;
        }
    }

    [LoggerMessage(EventId = LogEvents.RedisLayout, Level = LogLevel.Information,
        Message = "Redis store on {Redis}: {Shards} shard(s); accepts wait for {Replicas} replica(s) (0: replication is asynchronous, a failover can lose acknowledged accepts), up to {WaitTimeout}.")]
    private static partial void LogLayout(ILogger logger, string redis, int shards, int replicas, TimeSpan waitTimeout);
}
