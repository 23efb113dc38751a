using System.Globalization;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Destinations.Storage;

/// <summary>
/// The Redis profile's deliveries. Each delivery is a hash <c>asyncinvoke:&lt;service&gt;:dlv:&lt;id&gt;</c> (the
/// message, Orleans binary serializer; the destination; first attempt; attempts; last error); one sorted set
/// <c>…:dlv:due</c> orders every pending delivery by due time (Unix ms); per destination, a sorted set
/// <c>…:dlv:parked:&lt;destination&gt;</c> and a counter hash <c>…:dlv:counters:&lt;destination&gt;</c>. Each
/// operation is one script touching only the entries it names, so its cost does not grow with the backlog.
/// </summary>
public sealed class RedisDeliveryStore(
    IConnectionMultiplexer redis,
    Serializer<DestinationMessage> serializer,
    IOptions<ClusterOptions> cluster) : IDeliveryStore
{
    /// <summary>
    /// The Lua that appends deliveries: ARGV from <c>first</c> on holds the prefix, the due time, then four values a
    /// delivery (id, message, destination, first attempt). Shared with the invocation store's final write (the outbox).
    /// </summary>
    internal const string AppendFunction = """
        local function append_deliveries(first)
          local prefix, due = ARGV[first], ARGV[first + 1]
          local added = 0
          for i = first + 2, #ARGV, 4 do
            local id, dest = ARGV[i], ARGV[i + 2]
            local key = prefix .. 'dlv:' .. id
            if redis.call('EXISTS', key) == 0 then
              redis.call('HSET', key, 'm', ARGV[i + 1], 'd', dest, 'f', ARGV[i + 3], 'a', 0)
              redis.call('ZADD', prefix .. 'dlv:due', due, id)
              redis.call('HINCRBY', prefix .. 'dlv:counters:' .. dest, 'pending', 1)
              added = added + 1
            end
          end
          return added
        end
        """;

    private const string AppendScript = AppendFunction + "\nreturn append_deliveries(1)";

    /// <summary>The Lua that appends one delivery's five fields to a flat reply (read back by <c>Read</c>).</summary>
    private const string ReadFunction = """
        local function read_delivery(out, prefix, id)
          local h = redis.call('HMGET', prefix .. 'dlv:' .. id, 'm', 'd', 'f', 'a', 'e')
          if not h[1] then
            return false
          end
          out[#out + 1] = h[1]
          out[#out + 1] = h[2]
          out[#out + 1] = h[3]
          out[#out + 1] = h[4]
          out[#out + 1] = h[5] or ''
          return true
        end
        """;

    private const string ClaimScript = ReadFunction + """

        local prefix = ARGV[1]
        local ids = redis.call('ZRANGEBYSCORE', prefix .. 'dlv:due', '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[4]))
        local out = {}
        for _, id in ipairs(ids) do
          if read_delivery(out, prefix, id) then
            redis.call('ZADD', prefix .. 'dlv:due', ARGV[3], id)
          else
            redis.call('ZREM', prefix .. 'dlv:due', id)
          end
        end
        return out
        """;

    private const string CompleteScript = AppendFunction + """

        local prefix, count = ARGV[1], tonumber(ARGV[2])
        for i = 3, 2 + count do
          local key = prefix .. 'dlv:' .. ARGV[i]
          local dest = redis.call('HGET', key, 'd')
          if dest and redis.call('ZREM', prefix .. 'dlv:due', ARGV[i]) == 1 then
            redis.call('DEL', key)
            redis.call('HINCRBY', prefix .. 'dlv:counters:' .. dest, 'pending', -1)
          end
        end
        if #ARGV > 2 + count then
          return append_deliveries(3 + count)
        end
        return 0
        """;

    private const string RetryScript = """
        local prefix, id = ARGV[1], ARGV[2]
        local key = prefix .. 'dlv:' .. id
        local dest = redis.call('HGET', key, 'd')
        if dest and redis.call('ZSCORE', prefix .. 'dlv:due', id) then
          redis.call('HSET', key, 'a', ARGV[4], 'e', ARGV[5])
          redis.call('ZADD', prefix .. 'dlv:due', ARGV[3], id)
          redis.call('HINCRBY', prefix .. 'dlv:counters:' .. dest, 'failures', 1)
          return 1
        end
        return 0
        """;

    private const string ParkScript = """
        local prefix, id = ARGV[1], ARGV[2]
        local key = prefix .. 'dlv:' .. id
        local dest = redis.call('HGET', key, 'd')
        if dest and redis.call('ZREM', prefix .. 'dlv:due', id) == 1 then
          redis.call('HSET', key, 'a', ARGV[4], 'e', ARGV[5])
          redis.call('ZADD', prefix .. 'dlv:parked:' .. dest, ARGV[3], id)
          local counters = prefix .. 'dlv:counters:' .. dest
          redis.call('HINCRBY', counters, 'pending', -1)
          redis.call('HINCRBY', counters, 'parked', 1)
          redis.call('HINCRBY', counters, 'failures', 1)
          return 1
        end
        return 0
        """;

    private const string ListParkedScript = ReadFunction + """

        local prefix = ARGV[1]
        local ids = redis.call('ZRANGE', prefix .. 'dlv:parked:' .. ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[3]) + tonumber(ARGV[4]) - 1)
        local out = {}
        for _, id in ipairs(ids) do
          read_delivery(out, prefix, id)
        end
        return out
        """;

    private const string RedriveScript = """
        local prefix, dest, now = ARGV[1], ARGV[2], ARGV[3]
        local parked = prefix .. 'dlv:parked:' .. dest
        local ids = redis.call('ZRANGE', parked, 0, tonumber(ARGV[4]) - 1)
        for _, id in ipairs(ids) do
          redis.call('HSET', prefix .. 'dlv:' .. id, 'a', 0, 'f', now)
          redis.call('ZADD', prefix .. 'dlv:due', now, id)
          redis.call('ZREM', parked, id)
        end
        if #ids > 0 then
          local counters = prefix .. 'dlv:counters:' .. dest
          redis.call('HINCRBY', counters, 'parked', -#ids)
          redis.call('HINCRBY', counters, 'pending', #ids)
        end
        return #ids
        """;

    private readonly string _prefix = $"asyncinvoke:{cluster.Value.ServiceId}:";

    /// <summary>The key prefix every delivery key starts with.</summary>
    internal string Prefix => _prefix;

    public async Task<int> AppendAsync(IReadOnlyList<Delivery> deliveries, DateTimeOffset dueAt)
    {
        if (deliveries.Count == 0)
        {
            return 0;
        }

        var args = new List<RedisValue>(2 + deliveries.Count * 4);
        AddAppendArguments(args, deliveries, dueAt);
        return (int)(long)await Database.ScriptEvaluateAsync(AppendScript, [], [.. args]);
    }

    public async Task<IReadOnlyList<Delivery>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int max)
    {
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(ClaimScript, [],
            [_prefix, now.ToUnixTimeMilliseconds(), (now + lease).ToUnixTimeMilliseconds(), max]))!;
        return Read(result);
    }

    public async Task<int> CompleteAsync(IReadOnlyList<Delivery> delivered, IReadOnlyList<Delivery> followUps, DateTimeOffset followUpsDueAt)
    {
        var args = new List<RedisValue>(2 + delivered.Count + 2 + followUps.Count * 4) { _prefix, delivered.Count };
        args.AddRange(delivered.Select(d => (RedisValue)d.Id));
        if (followUps.Count > 0)
        {
            AddAppendArguments(args, followUps, followUpsDueAt);
        }

        return (int)(long)await Database.ScriptEvaluateAsync(CompleteScript, [], [.. args]);
    }

    public Task RetryAtAsync(Delivery delivery, DateTimeOffset dueAt) =>
        Database.ScriptEvaluateAsync(RetryScript, [],
            [_prefix, delivery.Id, dueAt.ToUnixTimeMilliseconds(), delivery.Attempts, delivery.LastError ?? ""]);

    public Task ParkAsync(Delivery delivery, DateTimeOffset parkedAt) =>
        Database.ScriptEvaluateAsync(ParkScript, [],
            [_prefix, delivery.Id, parkedAt.ToUnixTimeMilliseconds(), delivery.Attempts, delivery.LastError ?? ""]);

    public Task ReleaseAsync(IReadOnlyList<Delivery> deliveries, DateTimeOffset dueAt) =>
        deliveries.Count == 0
            ? Task.CompletedTask
            : Database.SortedSetAddAsync(_prefix + "dlv:due", [.. deliveries.Select(d => new SortedSetEntry(d.Id, dueAt.ToUnixTimeMilliseconds()))], SortedSetWhen.Exists);

    public async Task<DeliveryCounters> GetCountersAsync(string destination)
    {
        var values = await Database.HashGetAsync(_prefix + "dlv:counters:" + destination, ["pending", "parked", "failures"]);
        long Value(int i) => values[i].HasValue ? (long)values[i] : 0;
        return new DeliveryCounters(Value(0), Value(1), Value(2));
    }

    public async Task<IReadOnlyList<Delivery>> ListParkedAsync(string destination, int offset, int limit)
    {
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(ListParkedScript, [], [_prefix, destination, offset, limit]))!;
        return Read(result);
    }

    public async Task<int> RedriveAsync(string destination, DateTimeOffset now, int max) =>
        (int)(long)await Database.ScriptEvaluateAsync(RedriveScript, [], [_prefix, destination, now.ToUnixTimeMilliseconds(), max]);

    /// <summary>Adds the append arguments (prefix, due, then four values a delivery) for <see cref="AppendFunction"/>.</summary>
    internal void AddAppendArguments(List<RedisValue> args, IReadOnlyList<Delivery> deliveries, DateTimeOffset dueAt)
    {
        args.Add(_prefix);
        args.Add(dueAt.ToUnixTimeMilliseconds());
        foreach (var delivery in deliveries)
        {
            args.Add(delivery.Id);
            args.Add(serializer.SerializeToArray(delivery.Message));
            args.Add(delivery.Destination);
            args.Add(delivery.FirstAttemptAt.ToUnixTimeMilliseconds());
        }
    }

    private List<Delivery> Read(RedisResult[] flat)
    {
        var deliveries = new List<Delivery>(flat.Length / 5);
        for (var i = 0; i + 4 < flat.Length; i += 5)
        {
            var error = (string?)flat[i + 4];
            deliveries.Add(new Delivery
            {
                Message = serializer.Deserialize((byte[])flat[i]!) ?? throw new InvalidDataException("A stored delivery has no message."),
                Destination = (string)flat[i + 1]!,
                FirstAttemptAt = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse((string)flat[i + 2]!, CultureInfo.InvariantCulture)),
                Attempts = int.Parse((string)flat[i + 3]!, CultureInfo.InvariantCulture),
                LastError = string.IsNullOrEmpty(error) ? null : error,
            });
        }

        return deliveries;
    }

    private IDatabase Database => redis.GetDatabase();
}
