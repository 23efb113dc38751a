using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Invocations.Storage;
using Orleans.AsyncInvoke.Silo.Hosting;

namespace Orleans.AsyncInvoke.Tests.Unit;

public sealed class RedisLayoutTests
{
    [Fact]
    public void Prefix_WhenThereIsOneShard_IsTheUnshardedLayout()
    {
        var layout = new RedisLayout("svc", 1);

        Assert.Equal(("asyncinvoke:svc:", 0), (layout.Prefix(0), layout.ShardOf("any id")));
    }

    [Fact]
    public void Prefix_WhenSharded_IsAHashTagPerShard()
    {
        var layout = new RedisLayout("svc", 16);

        Assert.Equal("{asyncinvoke:svc:0}:", layout.Prefix(0));
        Assert.Equal("{asyncinvoke:svc:15}:", layout.Prefix(15));
    }

    [Fact]
    public void ShardOf_ForTheSameId_IsTheSameInEveryProcessAndSpreadsIdsEvenly()
    {
        var layout = new RedisLayout("svc", 16);

        // Pinned (FNV-1a of the UTF-8 bytes, mod 16): the shard is part of where an invocation is stored, so it must never change.
        Assert.Equal(10, layout.ShardOf("6f1c2a3e-1b2c-4d5e-8f90-123456789abc"));
        var counts = Enumerable.Range(0, 16_000).Select(_ => layout.ShardOf(Guid.NewGuid().ToString())).GroupBy(s => s).Select(g => g.Count()).ToList();
        Assert.Equal(16, counts.Count);
        Assert.All(counts, c => Assert.InRange(c, 800, 1200));
    }

    [Fact]
    public void Read_WhenEveryValueIsOutOfRange_NamesEveryKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AsyncInvoke:Redis:Shards"] = "0",
            ["AsyncInvoke:Redis:WaitForReplicas"] = "-1",
            ["AsyncInvoke:Redis:WaitTimeout"] = "00:00:00",
        }).Build();

        var error = Assert.Throws<OptionsValidationException>(() => RedisStoreOptions.Read(configuration));

        Assert.Equal(3, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.Contains("AsyncInvoke:Redis:Shards", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("AsyncInvoke:Redis:WaitForReplicas", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("AsyncInvoke:Redis:WaitTimeout", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, false, 1)]
    [InlineData(null, true, 16)]
    [InlineData(4, false, 4)]
    [InlineData(64, true, 64)]
    public void ShardsFor_WhenRedisIsOrIsNotACluster_DefaultsToTheLayoutThatWorksThere(int? configured, bool cluster, int expected) =>
        Assert.Equal(expected, new RedisStoreOptions { Shards = configured }.ShardsFor(cluster));

    [Fact]
    public void ShardsFor_WhenOneShardIsConfiguredOnACluster_RefusesNamingTheKey()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new RedisStoreOptions { Shards = 1 }.ShardsFor(cluster: true));

        Assert.Contains("AsyncInvoke:Redis:Shards", error.Message, StringComparison.Ordinal);
    }
}
