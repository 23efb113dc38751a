using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Execution.Lambda;

/// <summary>Zip packages stored once by their SHA-256, readable by every silo of the cluster.</summary>
public interface ICodeStore
{
    /// <summary>Stores a package under its hash (hex); storing the same package again changes nothing.</summary>
    Task PutAsync(string sha256Hex, byte[] zip);

    /// <summary>The package, or <c>null</c> when none is stored under the hash.</summary>
    Task<byte[]?> GetAsync(string sha256Hex);
}

/// <summary>Packages in the silo's memory (embedded profile).</summary>
internal sealed class MemoryCodeStore : ICodeStore
{
    private readonly ConcurrentDictionary<string, byte[]> _packages = new(StringComparer.Ordinal);

    public Task PutAsync(string sha256Hex, byte[] zip)
    {
        _packages.TryAdd(sha256Hex, zip);
        return Task.CompletedTask;
    }

    public Task<byte[]?> GetAsync(string sha256Hex) => Task.FromResult(_packages.GetValueOrDefault(sha256Hex));
}

/// <summary>Packages in Redis (<c>asyncinvoke:&lt;service&gt;:code:&lt;sha256&gt;</c>): durable, and shared by every silo.</summary>
internal sealed class RedisCodeStore(IConnectionMultiplexer redis, IOptions<ClusterOptions> cluster) : ICodeStore
{
    private readonly string _prefix = $"asyncinvoke:{cluster.Value.ServiceId}:code:";

    public async Task PutAsync(string sha256Hex, byte[] zip) =>
        await redis.GetDatabase().StringSetAsync(_prefix + sha256Hex, zip, when: When.NotExists);

    public async Task<byte[]?> GetAsync(string sha256Hex)
    {
        var value = await redis.GetDatabase().StringGetAsync(_prefix + sha256Hex);
        return value.HasValue ? (byte[]?)value : null;
    }
}
