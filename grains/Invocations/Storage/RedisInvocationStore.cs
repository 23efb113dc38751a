using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Invocations.Storage;

/// <summary>
/// The Redis profile's store. Each invocation is a string key holding its state (Orleans binary serializer,
/// versioned by <c>[Id]</c>); wake-ups are two sorted sets scored by Unix milliseconds: one for unfinished
/// invocations, one for finished ones waiting for the end of retention (or a hand-off retry). Every change is one
/// script, so state and wake-up move together; concurrent callers share the multiplexer's pipeline, so a burst of
/// accepts costs one round trip each at most, not one each in sequence.
/// </summary>
public sealed class RedisInvocationStore(
    IConnectionMultiplexer redis,
    Serializer<InvocationState> serializer,
    IOptions<ClusterOptions> cluster,
    Destinations.Storage.RedisDeliveryStore deliveries) : IInvocationStore
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

    private readonly string _prefix = $"asyncinvoke:{cluster.Value.ServiceId}:";

    private RedisKey Pending => _prefix + "wake:pending";

    private RedisKey Finished => _prefix + "wake:finished";

    public async Task<bool> TryCreateAsync(string requestId, InvocationState state, DateTimeOffset wakeAt)
    {
        var result = await Database.ScriptEvaluateAsync(CreateScript,
            [Key(requestId), Pending, Finished, IndexKey(state.FunctionName)],
            [serializer.SerializeToArray(state), wakeAt.ToUnixTimeMilliseconds(), requestId, state.IsFinal ? "0" : "1", state.ReceivedAt.ToUnixTimeMilliseconds()]);
        return (long)result == 1;
    }

    public async Task<InvocationState?> ReadAsync(string requestId)
    {
        byte[]? bytes = await Database.StringGetAsync(Key(requestId));
        return bytes is null ? null : serializer.Deserialize(bytes);
    }

    public Task WriteAsync(string requestId, InvocationState state, DateTimeOffset wakeAt, Outbox? outbox = null)
    {
        var args = new List<RedisValue>(4 + 2 + (outbox?.Deliveries.Count ?? 0) * 4)
        {
            serializer.SerializeToArray(state), wakeAt.ToUnixTimeMilliseconds(), requestId, state.IsFinal ? "0" : "1",
        };
        if (outbox is not { Deliveries.Count: > 0 })
        {
            return Database.ScriptEvaluateAsync(WriteScript, [Key(requestId), Pending, Finished], [.. args]);
        }

        deliveries.AddAppendArguments(args, outbox.Deliveries, outbox.DueAt);
        return Database.ScriptEvaluateAsync(WriteWithOutboxScript, [Key(requestId), Pending, Finished], [.. args]);
    }

    public Task DeleteAsync(string requestId, string? functionName = null) =>
        Database.ScriptEvaluateAsync(DeleteScript,
            functionName is null ? [Key(requestId), Pending, Finished] : [Key(requestId), Pending, Finished, IndexKey(functionName)],
            [requestId]);

    public async Task<IReadOnlyList<IndexedInvocation>> ListAsync(string functionName, long beforeMs, int skip, int count)
    {
        var entries = await Database.SortedSetRangeByScoreWithScoresAsync(
            IndexKey(functionName), double.NegativeInfinity, beforeMs == long.MaxValue ? double.PositiveInfinity : beforeMs,
            Exclude.None, Order.Descending, skip, count);
        if (entries.Length == 0)
        {
            return [];
        }

        var states = await Database.StringGetAsync([.. entries.Select(e => Key((string)e.Element!))]);
        var page = new IndexedInvocation[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            byte[]? bytes = states[i];
            page[i] = new IndexedInvocation((string)entries[i].Element!, (long)entries[i].Score, bytes is null ? null : serializer.Deserialize(bytes));
        }

        return page;
    }

    public async Task<IReadOnlyList<string>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int max)
    {
        var result = await Database.ScriptEvaluateAsync(ClaimScript,
            [Pending, Finished],
            [now.ToUnixTimeMilliseconds(), (now + lease).ToUnixTimeMilliseconds(), max]);
        return [.. ((RedisResult[])result!).Select(r => (string)r!)];
    }

    public async Task<WakeUpBacklog> GetBacklogAsync()
    {
        // Both commands leave together (the multiplexer pipelines them) before either is awaited.
        var countTask = Database.SortedSetLengthAsync(Pending);
        var firstTask = Database.SortedSetRangeByRankWithScoresAsync(Pending, 0, 0);
        var count = await countTask;
        var first = await firstTask;
        var earliest = first.Length == 0 ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds((long)first[0].Score);
        return new WakeUpBacklog(count, earliest);
    }

    private IDatabase Database => redis.GetDatabase();

    private RedisKey Key(string requestId) => _prefix + "inv:" + requestId;

    /// <summary>The function's listing index: a sorted set of its request ids by received time (Unix ms).</summary>
    private RedisKey IndexKey(string functionName) => _prefix + "idx:fn:" + functionName;
}
