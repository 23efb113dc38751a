using System.Globalization;
using Orleans.AsyncInvoke.Invocations.Storage;
using Orleans.Serialization;
using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Destinations.Storage;

/// <summary>
/// The Redis profile's deliveries. Each delivery is a hash <c>asyncinvoke:&lt;service&gt;:dlv:&lt;id&gt;</c> (the
/// message, Orleans binary serializer; the destination; first attempt; attempts; last error); one sorted set
/// <c>…:dlv:due</c> orders every pending delivery by due time (Unix ms); per destination, a sorted set
/// <c>…:dlv:parked:&lt;destination&gt;</c> and a counter hash <c>…:dlv:counters:&lt;destination&gt;</c>. Each
/// operation is one script touching only the entries it names, so its cost does not grow with the backlog. With
/// several shards (<see cref="RedisLayout"/>) each shard has all of these under its own prefix: a delivery lives in the
/// shard of its record's request id (the shard of the invocation whose final write stored it, and of the fan-outs it
/// leads to), each script stays within one shard's hash slot, and what spans destinations (claims, counters, parked
/// lists, redrives) visits every shard. Every script names the shard's due index as its key, so a Redis Cluster
/// client sends it to the master of that slot; the other keys it builds from the prefix share the slot by the tag.
/// </summary>
public sealed class RedisDeliveryStore(
    IConnectionMultiplexer redis,
    Serializer<DestinationMessage> serializer,
    RedisLayout layout) : IDeliveryStore
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
              redis.call('SADD', prefix .. 'dlv:destinations', dest)
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
          redis.call('SADD', prefix .. 'dlv:destinations', dest)
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

    private int _turn;

    public async Task<int> AppendAsync(IReadOnlyList<Delivery> deliveries, DateTimeOffset dueAt)
    {
        if (deliveries.Count == 0)
        {
            return 0;
        }

        var appends = deliveries.GroupBy(ShardOf).Select(group =>
        {
            var args = new List<RedisValue>(2 + group.Count() * 4);
            AddAppendArguments(args, [.. group], dueAt, group.Key);
            return Database.ScriptEvaluateAsync(AppendScript, [Due(group.Key)], [.. args]);
        }).ToList();
        var added = 0;
        foreach (var append in appends)
        {
            added += (int)(long)await append;
        }

        return added;
    }

    public async Task<IReadOnlyList<Delivery>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int max)
    {
        var (due, until) = (now.ToUnixTimeMilliseconds(), (now + lease).ToUnixTimeMilliseconds());
        return await ShardedClaim.RunAsync(layout, max, Interlocked.Increment(ref _turn), async (shard, share) =>
        {
            var result = (RedisResult[])(await Database.ScriptEvaluateAsync(ClaimScript, [Due(shard)], [layout.Prefix(shard), due, until, share]))!;
            return (IReadOnlyList<Delivery>)Read(result);
        });
    }

    public async Task<int> CompleteAsync(IReadOnlyList<Delivery> delivered, IReadOnlyList<Delivery> followUps, DateTimeOffset followUpsDueAt)
    {
        // A fan-out's deliveries carry the request id of the record they came from, so each delivered entry and its
        // follow-ups are in one shard and leave and arrive in one script: a fan-out is never half done.
        var shards = delivered.Select(ShardOf).Concat(followUps.Select(ShardOf)).Distinct().ToList();
        var completions = shards.Select(shard =>
        {
            var done = delivered.Where(d => ShardOf(d) == shard).ToList();
            var next = followUps.Where(d => ShardOf(d) == shard).ToList();
            var args = new List<RedisValue>(2 + done.Count + 2 + next.Count * 4) { layout.Prefix(shard), done.Count };
            args.AddRange(done.Select(d => (RedisValue)d.Id));
            if (next.Count > 0)
            {
                AddAppendArguments(args, next, followUpsDueAt, shard);
            }

            return Database.ScriptEvaluateAsync(CompleteScript, [Due(shard)], [.. args]);
        }).ToList();
        var added = 0;
        foreach (var completion in completions)
        {
            added += (int)(long)await completion;
        }

        return added;
    }

    public Task RetryAtAsync(Delivery delivery, DateTimeOffset dueAt) =>
        Database.ScriptEvaluateAsync(RetryScript, [Due(ShardOf(delivery))],
            [layout.Prefix(ShardOf(delivery)), delivery.Id, dueAt.ToUnixTimeMilliseconds(), delivery.Attempts, delivery.LastError ?? ""]);

    public Task ParkAsync(Delivery delivery, DateTimeOffset parkedAt) =>
        Database.ScriptEvaluateAsync(ParkScript, [Due(ShardOf(delivery))],
            [layout.Prefix(ShardOf(delivery)), delivery.Id, parkedAt.ToUnixTimeMilliseconds(), delivery.Attempts, delivery.LastError ?? ""]);

    public Task ReleaseAsync(IReadOnlyList<Delivery> deliveries, DateTimeOffset dueAt) =>
        deliveries.Count == 0
            ? Task.CompletedTask
            : Task.WhenAll(deliveries.GroupBy(ShardOf).Select(group => Database.SortedSetAddAsync(Due(group.Key),
                [.. group.Select(d => new SortedSetEntry(d.Id, dueAt.ToUnixTimeMilliseconds()))], SortedSetWhen.Exists)));

    /// <summary>The destinations of every shard's set (<c>…:dlv:destinations</c>, added to by each append and park), with their counters.</summary>
    public async Task<IReadOnlyList<(string Destination, DeliveryCounters Counters)>> ListDestinationsAsync()
    {
        var members = await Task.WhenAll(Enumerable.Range(0, layout.Shards).Select(shard => Database.SetMembersAsync(layout.Prefix(shard) + "dlv:destinations")));
        var destinations = members.SelectMany(m => m).Select(m => m.ToString()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var counters = await Task.WhenAll(destinations.Select(GetCountersAsync));
        return [.. destinations.Zip(counters)];
    }

    public async Task<DeliveryCounters> GetCountersAsync(string destination)
    {
        var reads = Enumerable.Range(0, layout.Shards)
            .Select(shard => Database.HashGetAsync(layout.Prefix(shard) + "dlv:counters:" + destination, ["pending", "parked", "failures"]))
            .ToList();
        long pending = 0, parked = 0, failures = 0;
        foreach (var read in reads)
        {
            var values = await read;
            long Value(int i) => values[i].HasValue ? (long)values[i] : 0;
            (pending, parked, failures) = (pending + Value(0), parked + Value(1), failures + Value(2));
        }

        return new DeliveryCounters(pending, parked, failures);
    }

    public async Task<IReadOnlyList<Delivery>> ListParkedAsync(string destination, int offset, int limit)
    {
        if (layout.Shards == 1)
        {
            var result = (RedisResult[])(await Database.ScriptEvaluateAsync(ListParkedScript, [Due(0)], [layout.Prefix(0), destination, offset, limit]))!;
            return Read(result);
        }

        // Oldest first across shards: the first offset + limit of each shard's parked set, merged by parked time
        // (then id), and the page read from the shards that hold it.
        var page = (await OldestParkedAsync(destination, offset + limit))
            .Skip(offset)
            .Select(e => Database.HashGetAsync(layout.Prefix(e.Shard) + "dlv:" + (string)e.Entry.Element!, ["m", "d", "f", "a", "e"]))
            .ToList();
        var flat = new List<RedisResult>(page.Count * 5);
        foreach (var read in page)
        {
            var fields = await read;
            if (fields[0].HasValue)
            {
                flat.AddRange(fields.Select(f => RedisResult.Create(f.HasValue ? f : "")));
            }
        }

        return Read([.. flat]);
    }

    public async Task<int> RedriveAsync(string destination, DateTimeOffset now, int max)
    {
        if (layout.Shards == 1)
        {
            return await RedriveAsync(0, destination, now, max);
        }

        // The oldest parked first, across shards as within one: each shard redrives as many of its oldest as the
        // merged order takes from it.
        var oldest = await OldestParkedAsync(destination, max);
        var moves = oldest.GroupBy(e => e.Shard).Select(g => RedriveAsync(g.Key, destination, now, g.Count())).ToList();
        var moved = 0;
        foreach (var move in moves)
        {
            moved += await move;
        }

        return moved;
    }

    private async Task<int> RedriveAsync(int shard, string destination, DateTimeOffset now, int max) =>
        (int)(long)await Database.ScriptEvaluateAsync(RedriveScript, [Due(shard)], [layout.Prefix(shard), destination, now.ToUnixTimeMilliseconds(), max]);

    /// <summary>The first <paramref name="count"/> parked deliveries of a destination across shards, oldest first (then by id).</summary>
    private async Task<List<(int Shard, SortedSetEntry Entry)>> OldestParkedAsync(string destination, int count)
    {
        var ranges = Enumerable.Range(0, layout.Shards)
            .Select(shard => Database.SortedSetRangeByRankWithScoresAsync(layout.Prefix(shard) + "dlv:parked:" + destination, 0, count - 1))
            .ToList();
        var all = new List<(int Shard, SortedSetEntry Entry)>();
        for (var shard = 0; shard < ranges.Count; shard++)
        {
            all.AddRange((await ranges[shard]).Select(e => (shard, e)));
        }

        return [.. all.OrderBy(e => e.Entry.Score).ThenBy(e => (string)e.Entry.Element!, StringComparer.Ordinal).Take(count)];
    }

    /// <summary>
    /// Adds the append arguments (the shard's prefix, due, then four values a delivery) for <see cref="AppendFunction"/>.
    /// Every delivery given must belong to <paramref name="shard"/>.
    /// </summary>
    internal void AddAppendArguments(List<RedisValue> args, IReadOnlyList<Delivery> deliveries, DateTimeOffset dueAt, int shard)
    {
        args.Add(layout.Prefix(shard));
        args.Add(dueAt.ToUnixTimeMilliseconds());
        foreach (var delivery in deliveries)
        {
            args.Add(delivery.Id);
            args.Add(serializer.SerializeToArray(delivery.Message));
            args.Add(delivery.Destination);
            args.Add(delivery.FirstAttemptAt.ToUnixTimeMilliseconds());
        }
    }

    /// <summary>The shard of a delivery: its record's request id's.</summary>
    private int ShardOf(Delivery delivery) => layout.ShardOf(delivery.Message.RequestId);

    private RedisKey Due(int shard) => layout.Prefix(shard) + "dlv:due";

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
