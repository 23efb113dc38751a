using System.Globalization;
using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Destinations.Queue;

/// <summary>
/// The scripts of <see cref="RedisStreamQueueStore"/>. Every one takes the queue's keys in one order: KEYS[1] the
/// stream, [2] the deduplication ids by time, [3] their first message ids, [4] the visibility index (member: the
/// padded entry id, score: visible from, Unix ms), [5] delayed messages not yet due, [6] receive state per entry
/// (<c>count|receipt|first receive ms</c>).
/// </summary>
public sealed partial class RedisStreamQueueStore
{
    private const string Padding = """
        local function pad(id)
          local ms, seq = string.match(id, '^(%d+)-(%d+)$')
          return string.rep('0', 20 - #ms) .. ms .. '-' .. string.rep('0', 20 - #seq) .. seq
        end
        local function unpad(member)
          local ms, seq = string.match(member, '^0*(%d+)-0*(%d+)$')
          return ms .. '-' .. seq
        end
        """;

    /// <summary>
    /// Forgets the deduplication ids older than the window, then appends each message whose id was not taken. ARGV: now,
    /// the window's start, then (deduplication id or empty, body, attributes, types, sender, visible from) per message.
    /// Returns each new message's id, or <c>=</c> and the first message's id for a repeat.
    /// </summary>
    private const string SendScript = Padding + "\n" + """
        local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[2], 'LIMIT', 0, 5000)
        if #old > 0 then
          redis.call('ZREM', KEYS[2], unpack(old))
          redis.call('HDEL', KEYS[3], unpack(old))
        end
        local now = tonumber(ARGV[1])
        local ids = {}
        for i = 3, #ARGV, 6 do
          local dedup = ARGV[i]
          if dedup ~= '' and redis.call('ZSCORE', KEYS[2], dedup) then
            ids[#ids + 1] = '=' .. (redis.call('HGET', KEYS[3], dedup) or '')
          else
            local id = redis.call('XADD', KEYS[1], '*', 'body', ARGV[i + 1], 'attributes', ARGV[i + 2],
              'types', ARGV[i + 3], 'sender', ARGV[i + 4], 'sent', ARGV[1])
            if tonumber(ARGV[i + 5]) > now then
              redis.call('ZADD', KEYS[5], ARGV[i + 5], pad(id))
            else
              redis.call('ZADD', KEYS[4], ARGV[i + 5], pad(id))
            end
            if dedup ~= '' then
              redis.call('ZADD', KEYS[2], ARGV[1], dedup)
              redis.call('HSET', KEYS[3], dedup, id)
            end
            ids[#ids + 1] = id
          end
        end
        return ids
        """;

    /// <summary>
    /// Moves due delayed messages into the index, then takes up to ARGV[2] members visible at ARGV[1] (now), hiding
    /// each until ARGV[3]; entries sent before ARGV[4] are past their retention and deleted instead. ARGV[5] seeds
    /// the receipts. Returns 9 fields per message: id, body, attributes, types, sender, sent, count, receipt, first
    /// receive.
    /// </summary>
    private const string ReceiveScript = Padding + "\n" + """
        local due = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, 1000)
        for i = 1, #due, 2 do
          redis.call('ZADD', KEYS[4], due[i + 1], due[i])
          redis.call('ZREM', KEYS[5], due[i])
        end
        local max = tonumber(ARGV[2])
        local cutoff = tonumber(ARGV[4])
        local out = {}
        local taken = {}
        local count = 0
        for round = 1, 50 do
          if count >= max then break end
          local members = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', ARGV[1], 'LIMIT', 0, max - count)
          local progress = false
          for _, member in ipairs(members) do
            if not taken[member] then
              progress = true
              local id = unpad(member)
              local entry = redis.call('XRANGE', KEYS[1], id, id)
              if #entry == 0 then
                redis.call('ZREM', KEYS[4], member)
                redis.call('HDEL', KEYS[6], id)
              else
                local fields = {}
                local raw = entry[1][2]
                for j = 1, #raw, 2 do fields[raw[j]] = raw[j + 1] end
                local sent = fields['sent'] or string.match(id, '^(%d+)')
                if tonumber(sent) < cutoff then
                  redis.call('XDEL', KEYS[1], id)
                  redis.call('ZREM', KEYS[4], member)
                  redis.call('HDEL', KEYS[6], id)
                else
                  local received, first = 0, ARGV[1]
                  local flight = redis.call('HGET', KEYS[6], id)
                  if flight then
                    local c, _, f = string.match(flight, '^(%d+)|([^|]*)|(%d*)$')
                    received = tonumber(c)
                    if f ~= '' then first = f end
                  end
                  received = received + 1
                  local receipt = id .. '.' .. received .. '.' .. string.sub(redis.sha1hex(ARGV[5] .. id), 1, 32)
                  redis.call('HSET', KEYS[6], id, received .. '|' .. receipt .. '|' .. first)
                  redis.call('ZADD', KEYS[4], ARGV[3], member)
                  taken[member] = true
                  count = count + 1
                  for _, v in ipairs({ id, fields['body'] or '', fields['attributes'] or '{}', fields['types'] or '',
                                       fields['sender'] or '', sent, tostring(received), receipt, first }) do
                    out[#out + 1] = v
                  end
                end
              end
            end
          end
          if not progress then break end
        end
        return out
        """;

    /// <summary>Deletes entry ARGV[1] when ARGV[2] is its latest receipt (ARGV[3]: its member). Returns 1 or 0.</summary>
    private const string DeleteScript = """
        local flight = redis.call('HGET', KEYS[6], ARGV[1])
        if not flight or string.match(flight, '^%d+|([^|]*)|') ~= ARGV[2] then return 0 end
        redis.call('XDEL', KEYS[1], ARGV[1])
        redis.call('ZREM', KEYS[4], ARGV[3])
        redis.call('HDEL', KEYS[6], ARGV[1])
        return 1
        """;

    /// <summary>
    /// Hides entry ARGV[1] until ARGV[5] when ARGV[2] is its latest receipt and it is hidden at ARGV[4] (now).
    /// Returns 1, -1 when it is not in flight, 0 for a receipt that is not the latest.
    /// </summary>
    private const string ChangeVisibilityScript = """
        local flight = redis.call('HGET', KEYS[6], ARGV[1])
        if not flight or string.match(flight, '^%d+|([^|]*)|') ~= ARGV[2] then return 0 end
        local score = redis.call('ZSCORE', KEYS[4], ARGV[3])
        if not score then return 0 end
        if tonumber(score) <= tonumber(ARGV[4]) then return -1 end
        redis.call('ZADD', KEYS[4], ARGV[5], ARGV[3])
        return 1
        """;

    /// <summary>
    /// The keys of the layout before the visibility index: a receive state hash and an unbounded id hash. They carry no
    /// hash tag, so on Redis Cluster each may live in a slot of its own: they are only ever read, counted and deleted
    /// one key a command.
    /// </summary>
    private RedisKey[] LegacyKeys(string queue) => [StreamKey(queue) + ":inflight", StreamKey(queue) + ":dedup"];

    private static async Task<bool> AnyExistsAsync(IDatabase db, RedisKey[] keys)
    {
        var exists = keys.Select(k => db.KeyExistsAsync(k)).ToList();
        var any = false;
        foreach (var check in exists)
        {
            any |= await check;
        }

        return any;
    }

    private static Task DeleteEachAsync(IDatabase db, RedisKey[] keys) => Task.WhenAll(keys.Select(k => db.KeyDeleteAsync(k)));

    /// <summary>
    /// Brings a queue written before the visibility index into the current layout: every entry into the index (hidden
    /// until its receive state said), receive counts kept, the old deduplication ids remembered from now for the
    /// window. Runs once per activation of the queue's grain and costs two lookups when there is nothing to do.
    /// </summary>
    internal async Task UpgradeAsync(string queue)
    {
        var db = redis.GetDatabase();
        var keys = Keys(queue);
        var legacy = LegacyKeys(queue);
        if (!await AnyExistsAsync(db, legacy) && (await db.KeyExistsAsync(keys[3]) || await db.StreamLengthAsync(keys[0]) == 0))
        {
            return;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        RedisValue from = "-";
        while (true)
        {
            var entries = await db.StreamRangeAsync(keys[0], from, "+", 1000);
            if (entries.Length == 0)
            {
                break;
            }

            var flights = await db.HashGetAsync(legacy[0], [.. entries.Select(e => (RedisValue)e.Id)]);
            var writes = new List<Task>(entries.Length * 2);
            for (var i = 0; i < entries.Length; i++)
            {
                var id = entries[i].Id.ToString();
                var sent = long.Parse(id.Split('-')[0], CultureInfo.InvariantCulture);
                var parts = flights[i].HasValue ? flights[i].ToString().Split('|', 3) : [];
                // Entries never received were visible from the start (the old layout had no delays).
                var visibleAt = parts.Length == 3 ? long.Parse(parts[0], CultureInfo.InvariantCulture) : 0;
                writes.Add(db.SortedSetAddAsync(keys[3], Member(id), visibleAt, SortedSetWhen.NotExists));
                if (parts.Length == 3)
                {
                    writes.Add(db.HashSetAsync(keys[5], id, $"{parts[1]}|{parts[2]}|{sent}", When.NotExists));
                }
            }

            await Task.WhenAll(writes);
            from = "(" + entries[^1].Id;
        }

        await foreach (var seen in db.HashScanAsync(legacy[1], pageSize: 1000))
        {
            await db.SortedSetAddAsync(keys[1], seen.Name, now, SortedSetWhen.NotExists);
            await db.HashSetAsync(keys[2], seen.Name, seen.Value, When.NotExists);
        }

        await DeleteEachAsync(db, legacy);
    }
}
