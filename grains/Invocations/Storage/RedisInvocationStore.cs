using Orleans.Serialization;
using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Invocations.Storage;

/// <summary>
/// The Redis profile's store. Each invocation is a string key holding its state (Orleans binary serializer,
/// versioned by <c>[Id]</c>); wake-ups are two sorted sets scored by Unix milliseconds: one for unfinished
/// invocations, one for finished ones waiting for the end of retention (or a hand-off retry). Every change is one
/// script, so state and wake-up move together; concurrent callers share the multiplexer's pipeline, so a burst of
/// accepts costs one round trip each at most, not one each in sequence. With several shards (<see cref="RedisLayout"/>)
/// each shard has its own wake-up sets and its own slice of every listing index, all in one hash slot with the
/// invocations of the shard, so every script stays within one slot of a Redis Cluster.
/// </summary>
public sealed partial class RedisInvocationStore(
    IConnectionMultiplexer redis,
    Serializer<InvocationState> serializer,
    RedisLayout layout,
    Destinations.Storage.RedisDeliveryStore deliveries,
    RedisReplicaBarrier? replicas = null) : IInvocationStore
{
    private const string CreateScript = """
        if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
          redis.call('ZADD', KEYS[ARGV[4] == '1' and 2 or 3], ARGV[2], ARGV[3])
          redis.call('ZADD', KEYS[4], ARGV[5], ARGV[3])
          return 1
        end
        return 0
        """;

    private const string WriteScript = """
        redis.call('SET', KEYS[1], ARGV[1])
        local into, from = KEYS[2], KEYS[3]
        if ARGV[4] ~= '1' then into, from = KEYS[3], KEYS[2] end
        redis.call('ZREM', from, ARGV[3])
        redis.call('ZADD', into, ARGV[2], ARGV[3])
        return 1
        """;

    /// <summary>The write, made only while the invocation's pending wake-up is still where it was put (ARGV[5]).</summary>
    private const string WriteUntouchedScript = """
        if tonumber(redis.call('ZSCORE', KEYS[2], ARGV[3])) ~= tonumber(ARGV[5]) then return 0 end

        """ + WriteScript;

    private const string WriteWithOutboxScript = Destinations.Storage.RedisDeliveryStore.AppendFunction + """

        redis.call('SET', KEYS[1], ARGV[1])
        local into, from = KEYS[2], KEYS[3]
        if ARGV[4] ~= '1' then into, from = KEYS[3], KEYS[2] end
        redis.call('ZREM', from, ARGV[3])
        redis.call('ZADD', into, ARGV[2], ARGV[3])
        append_deliveries(5)
        return 1
        """;

    private const string DeleteScript = """
        redis.call('DEL', KEYS[1])
        redis.call('ZREM', KEYS[2], ARGV[1])
        redis.call('ZREM', KEYS[3], ARGV[1])
        if KEYS[4] then redis.call('ZREM', KEYS[4], ARGV[1]) end
        return 1
        """;

    private const string ClaimScript = """
        local claimed = {}
        local left = tonumber(ARGV[3])
        for _, set in ipairs(KEYS) do
          if left <= 0 then break end
          local due = redis.call('ZRANGEBYSCORE', set, '-inf', ARGV[1], 'LIMIT', 0, left)
          for _, id in ipairs(due) do
            redis.call('ZADD', set, ARGV[2], id)
            claimed[#claimed + 1] = id
          end
          left = left - #due
        end
        return claimed
        """;

    private int _turn;

    public async Task<bool> TryCreateAsync(string requestId, InvocationState state, DateTimeOffset wakeAt)
    {
        var shard = layout.ShardOf(requestId);
        var key = Key(shard, requestId);
        var database = replicas?.Connection.GetDatabase() ?? Database;
        var result = await database.ScriptEvaluateAsync(CreateScript,
            [key, Pending(shard), Finished(shard), IndexKey(shard, state.FunctionName)],
            [InvocationStateCodec.Serialize(serializer, state), wakeAt.ToUnixTimeMilliseconds(), requestId, state.IsFinal ? "0" : "1", state.ReceivedAt.ToUnixTimeMilliseconds()]);
        if (replicas is not null)
        {
            // A repeated id waits too: the first write of it may not have reached a replica yet.
            await replicas.ConfirmAsync(key);
        }

        return (long)result == 1;
    }

    public async Task<InvocationState?> ReadAsync(string requestId)
    {
        byte[]? bytes = await Database.StringGetAsync(Key(requestId));
        return bytes is null ? null : InvocationStateCodec.Deserialize(serializer, bytes);
    }

    public Task WriteAsync(string requestId, InvocationState state, DateTimeOffset wakeAt, Outbox? outbox = null)
    {
        var shard = layout.ShardOf(requestId);
        var args = new List<RedisValue>(4 + 2 + (outbox?.Deliveries.Count ?? 0) * 4)
        {
            InvocationStateCodec.Serialize(serializer, state), wakeAt.ToUnixTimeMilliseconds(), requestId, state.IsFinal ? "0" : "1",
        };
        if (outbox is not { Deliveries.Count: > 0 })
        {
            return Database.ScriptEvaluateAsync(WriteScript, [Key(shard, requestId), Pending(shard), Finished(shard)], [.. args]);
        }

        // An invocation's records carry its request id, so its deliveries belong to its shard and share its slot.
        deliveries.AddAppendArguments(args, outbox.Deliveries, outbox.DueAt, shard);
        return Database.ScriptEvaluateAsync(WriteWithOutboxScript, [Key(shard, requestId), Pending(shard), Finished(shard)], [.. args]);
    }

    public async Task<bool> TryWriteUntouchedAsync(string requestId, DateTimeOffset storedWakeAt, InvocationState state, DateTimeOffset wakeAt)
    {
        var shard = layout.ShardOf(requestId);
        var result = await Database.ScriptEvaluateAsync(WriteUntouchedScript, [Key(shard, requestId), Pending(shard), Finished(shard)],
            [InvocationStateCodec.Serialize(serializer, state), wakeAt.ToUnixTimeMilliseconds(), requestId, state.IsFinal ? "0" : "1", storedWakeAt.ToUnixTimeMilliseconds()]);
        return (long)result == 1;
    }

    public Task DeleteAsync(string requestId, string? functionName = null)
    {
        var shard = layout.ShardOf(requestId);
        return Database.ScriptEvaluateAsync(DeleteScript,
            functionName is null
                ? [Key(shard, requestId), Pending(shard), Finished(shard)]
                : [Key(shard, requestId), Pending(shard), Finished(shard), IndexKey(shard, functionName)],
            [requestId]);
    }

    public async Task<IReadOnlyList<string>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int max)
    {
        var (due, until) = (now.ToUnixTimeMilliseconds(), (now + lease).ToUnixTimeMilliseconds());
        return await ShardedClaim.RunAsync(layout, max, Interlocked.Increment(ref _turn), async (shard, share) =>
        {
            var result = await Database.ScriptEvaluateAsync(ClaimScript, [Pending(shard), Finished(shard)], [due, until, share]);
            return (IReadOnlyList<string>)[.. ((RedisResult[])result!).Select(r => (string)r!)];
        });
    }

    public async Task<WakeUpBacklog> GetBacklogAsync()
    {
        // Every shard's two commands leave together (the multiplexer pipelines them) before any is awaited.
        var counts = new Task<long>[layout.Shards];
        var firsts = new Task<SortedSetEntry[]>[layout.Shards];
        for (var shard = 0; shard < layout.Shards; shard++)
        {
            counts[shard] = Database.SortedSetLengthAsync(Pending(shard));
            firsts[shard] = Database.SortedSetRangeByRankWithScoresAsync(Pending(shard), 0, 0);
        }

        long count = 0;
        long? earliest = null;
        for (var shard = 0; shard < layout.Shards; shard++)
        {
            count += await counts[shard];
            if (await firsts[shard] is [var first, ..])
            {
                earliest = Math.Min(earliest ?? long.MaxValue, (long)first.Score);
            }
        }

        return new WakeUpBacklog(count, earliest is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
    }

    private IDatabase Database => redis.GetDatabase();

    private RedisKey Pending(int shard) => layout.Prefix(shard) + "wake:pending";

    private RedisKey Finished(int shard) => layout.Prefix(shard) + "wake:finished";

    private RedisKey Key(string requestId) => Key(layout.ShardOf(requestId), requestId);

    private RedisKey Key(int shard, string requestId) => layout.Prefix(shard) + "inv:" + requestId;

    /// <summary>One shard's slice of a function's listing index: a sorted set of request ids by received time (Unix ms).</summary>
    private RedisKey IndexKey(int shard, string functionName) => layout.Prefix(shard) + "idx:fn:" + functionName;
}
