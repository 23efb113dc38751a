using System.Globalization;
using System.Text;

namespace Orleans.AsyncInvoke.Invocations.Storage;

/// <summary>
/// Where the Redis profile's invocations and deliveries live. With one shard (the default on a single Redis) every key
/// starts <c>asyncinvoke:&lt;service&gt;:</c>, the layout this store has always had. With more, each shard's keys start
/// <c>{asyncinvoke:&lt;service&gt;:&lt;shard&gt;}:</c>: the braces are a Redis Cluster hash tag, so an invocation's
/// record, its shard's wake-up sets, the shard's slice of each function's listing index and the shard's deliveries all
/// hash to one slot, and one script may touch them together. The shard is a stable function of the request id (FNV-1a
/// of its UTF-8 bytes), so every silo finds an invocation, and everything stored for it, in the same place.
/// </summary>
public sealed class RedisLayout
{
    private readonly string[] _prefixes;

    /// <param name="serviceId">The Orleans service id, part of every key.</param>
    /// <param name="shards">How many shards; at least 1. Part of the stored layout: data written with one count is not found with another.</param>
    public RedisLayout(string serviceId, int shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        _prefixes = shards == 1
            ? [$"asyncinvoke:{serviceId}:"]
            : [.. Enumerable.Range(0, shards).Select(s => string.Create(CultureInfo.InvariantCulture, $"{{asyncinvoke:{serviceId}:{s}}}:"))];
    }

    /// <summary>How many shards.</summary>
    public int Shards => _prefixes.Length;

    /// <summary>The key prefix of one shard.</summary>
    public string Prefix(int shard) => _prefixes[shard];

    /// <summary>The shard of a request id (and of every delivery of its records).</summary>
    public int ShardOf(string requestId)
    {
        if (_prefixes.Length == 1)
        {
            return 0;
        }

        // FNV-1a: fixed for all time, unlike string.GetHashCode, which changes with every process.
        var hash = 2166136261u;
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(requestId) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(requestId, buffer)] : Encoding.UTF8.GetBytes(requestId);
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % (uint)_prefixes.Length);
    }
}
