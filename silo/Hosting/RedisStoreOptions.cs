using Microsoft.Extensions.Options;

namespace Orleans.AsyncInvoke.Silo.Hosting;

/// <summary>How the Redis profile lays out and confirms its writes (<c>AsyncInvoke:Redis</c>).</summary>
public sealed class RedisStoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AsyncInvoke:Redis";

    /// <summary>The shard count when none is configured and Redis is a cluster.</summary>
    public const int ClusterDefaultShards = 16;

    /// <summary>The most shards.</summary>
    public const int MaxShards = 1024;

    /// <summary>
    /// Shards of the invocation store, its wake-up index, its listing index and the deliveries. Unset: 1 on a single
    /// Redis (the unsharded layout), <see cref="ClusterDefaultShards"/> on Redis Cluster. Part of the stored layout:
    /// every silo of a service must use the same count, and changing it hides what was stored under the old one.
    /// </summary>
    public int? Shards { get; set; }

    /// <summary>Replicas that must have an accept's write before it is acknowledged; 0 (default) waits for none.</summary>
    public int WaitForReplicas { get; set; }

    /// <summary>How long an accept waits for them (default 1 s); past it the accept fails, retryable.</summary>
    public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Reads the section, and stops the start with every bad key named.</summary>
    public static RedisStoreOptions Read(IConfiguration configuration)
    {
        RedisStoreOptions options;
        try
        {
            options = configuration.GetSection(SectionName).Get<RedisStoreOptions>() ?? new RedisStoreOptions();
        }
        catch (InvalidOperationException ex)
        {
            throw new OptionsValidationException(SectionName, typeof(RedisStoreOptions), [ex.Message]);
        }

        var failures = new List<string>();
        if (options.Shards is < 1 or > MaxShards)
        {
            failures.Add($"{SectionName}:{nameof(Shards)} must be between 1 and {MaxShards} (was {options.Shards}).");
        }

        if (options.WaitForReplicas is < 0 or > 16)
        {
            failures.Add($"{SectionName}:{nameof(WaitForReplicas)} must be between 0 (off) and 16 (was {options.WaitForReplicas}).");
        }

        if (options.WaitTimeout <= TimeSpan.Zero || options.WaitTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{SectionName}:{nameof(WaitTimeout)} must be more than 0 and at most 00:01:00 (was {options.WaitTimeout}).");
        }

        return failures.Count == 0 ? options : throw new OptionsValidationException(SectionName, typeof(RedisStoreOptions), failures);
    }

    /// <summary>The shard count for a Redis that is (or is not) a cluster; refuses the unsharded layout on a cluster.</summary>
    public int ShardsFor(bool cluster) => (Shards, cluster) switch
    {
        (1, true) => throw new OptionsValidationException(SectionName, typeof(RedisStoreOptions),
            [$"{SectionName}:{nameof(Shards)} is 1, the unsharded layout, but Redis is a cluster: its scripts would span hash slots. Leave it unset (then {ClusterDefaultShards}) or set 2 or more."]),
        ({ } shards, _) => shards,
        (null, true) => ClusterDefaultShards,
        (null, false) => 1,
    };
}
