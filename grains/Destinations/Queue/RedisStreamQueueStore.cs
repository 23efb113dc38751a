using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Queues;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Destinations.Queue;

/// <summary>
/// Queues of the Redis profile: one Redis Stream per queue (<c>asyncinvoke:&lt;service&gt;:queue:&lt;name&gt;</c>),
/// with the visibility and receipt of each received message in a hash beside it. Only the queue's grain calls it,
/// so its read-then-write steps never race.
/// </summary>
public sealed class RedisStreamQueueStore(IConnectionMultiplexer redis, IOptions<ClusterOptions> cluster, TimeProvider time, IOptions<Hosting.AsyncInvokeOptions>? options = null)
{
    /// <summary>
    /// Appends the messages whose deduplication id was not seen within the horizon. KEYS: the stream, the sorted set of
    /// ids seen (score: when, Unix ms). ARGV: now, the horizon's start, then (id or empty, body, attributes) per message.
    /// Returns each new message's stream id, or an empty string for a repeat.
    /// </summary>
    private const string SendOnceScript = """
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[2])
        local ids = {}
        for i = 3, #ARGV, 3 do
          local id = ARGV[i]
          if id ~= '' and redis.call('ZSCORE', KEYS[2], id) then
            ids[#ids + 1] = ''
          else
            ids[#ids + 1] = redis.call('XADD', KEYS[1], '*', 'body', ARGV[i + 1], 'attributes', ARGV[i + 2])
            if id ~= '' then
              redis.call('ZADD', KEYS[2], ARGV[1], id)
            end
          end
        end
        return ids
        """;

    /// <summary>How long a deduplication id is remembered: as long as a finished invocation (whose record it names) is kept.</summary>
    private readonly TimeSpan _horizon = options?.Value.Retention ?? TimeSpan.FromHours(24);

    private const int PageSize = 500;
    private const int MaxPages = 20;
    private readonly string _prefix = $"asyncinvoke:{cluster.Value.ServiceId}:queue:";

    /// <summary>The stream key of a queue.</summary>
    public string StreamKey(string queue) => _prefix + queue;

    public async Task<string> SendAsync(string queue, string body, IReadOnlyDictionary<string, string>? attributes, string? deduplicationId)
    {
        var db = redis.GetDatabase();
        if (deduplicationId is not null && await db.HashGetAsync(StreamKey(queue) + ":dedup", deduplicationId) is { HasValue: true } seen)
        {
            return seen.ToString();
        }

        var id = await db.StreamAddAsync(StreamKey(queue), [
            new NameValueEntry("body", body),
            new NameValueEntry("attributes", JsonSerializer.Serialize(attributes ?? new Dictionary<string, string>())),
        ]);
        if (deduplicationId is not null)
        {
            await db.HashSetAsync(StreamKey(queue) + ":dedup", deduplicationId, id);
        }

        return id.ToString();
    }

    /// <summary>
    /// The ids a queue has taken with a deduplication id. The stream's own name is the hash tag, so on Redis Cluster
    /// both keys share its slot and one script touches both.
    /// </summary>
    public string SentKey(string queue) => "{" + StreamKey(queue) + "}:sent";

    /// <summary>
    /// Appends a batch: the adds leave together on the multiplexer's pipeline, one round trip for all; a batch with
    /// deduplication ids is one script, which skips the ids already taken. Repeats answer an empty message id.
    /// </summary>
    public async Task<IReadOnlyList<string>> SendBatchAsync(string queue, IReadOnlyList<QueueSend> messages)
    {
        var db = redis.GetDatabase();
        var key = StreamKey(queue);
        if (messages.Any(m => m.DeduplicationId is not null))
        {
            var now = time.GetUtcNow();
            var args = new List<RedisValue>(2 + (messages.Count * 3))
            {
                now.ToUnixTimeMilliseconds(),
                (now - _horizon).ToUnixTimeMilliseconds(),
            };
            foreach (var m in messages)
            {
                args.Add(m.DeduplicationId ?? "");
                args.Add(m.Body);
                args.Add(JsonSerializer.Serialize(m.Attributes ?? new Dictionary<string, string>()));
            }

            var result = (RedisResult[])(await db.ScriptEvaluateAsync(SendOnceScript, [key, SentKey(queue)], [.. args]))!;
            return [.. result.Select(r => r.ToString())];
        }

        var adds = messages.Select(m => db.StreamAddAsync(key, [
            new NameValueEntry("body", m.Body),
            new NameValueEntry("attributes", JsonSerializer.Serialize(m.Attributes ?? new Dictionary<string, string>())),
        ])).ToArray();
        var ids = await Task.WhenAll(adds);
        return [.. ids.Select(id => id.ToString())];
    }

    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int max, TimeSpan visibilityTimeout)
    {
        var db = redis.GetDatabase();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var taken = new List<QueueMessage>();
        RedisValue from = "-";
        for (var page = 0; page < MaxPages && taken.Count < max; page++)
        {
            var entries = await db.StreamRangeAsync(StreamKey(queue), from, "+", PageSize);
            if (entries.Length == 0)
            {
                break;
            }

            var flights = await db.HashGetAsync(StreamKey(queue) + ":inflight", [.. entries.Select(e => (RedisValue)e.Id)]);
            for (var i = 0; i < entries.Length && taken.Count < max; i++)
            {
                var flight = Flight.Parse(flights[i]);
                if (flight.VisibleAt > now)
                {
                    continue;
                }

                var count = flight.ReceiveCount + 1;
                var receipt = $"{entries[i].Id}.{count.ToString(CultureInfo.InvariantCulture)}.{Guid.NewGuid():N}";
                var visibleAt = now + (long)visibilityTimeout.TotalMilliseconds;
                await db.HashSetAsync(StreamKey(queue) + ":inflight", entries[i].Id, $"{visibleAt}|{count}|{receipt}");
                taken.Add(new QueueMessage
                {
                    MessageId = entries[i].Id.ToString(),
                    ReceiptHandle = receipt,
                    Body = entries[i]["body"].ToString(),
                    Attributes = JsonSerializer.Deserialize<Dictionary<string, string>>(entries[i]["attributes"].ToString()) ?? [],
                    ReceiveCount = count,
                });
            }

            // The next page starts just after the last entry seen ("(" makes the bound exclusive).
            from = "(" + entries[^1].Id;
        }

        return taken;
    }

    public async Task<bool> DeleteAsync(string queue, string receiptHandle)
    {
        var dot = receiptHandle.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return false;
        }

        var db = redis.GetDatabase();
        var entryId = receiptHandle[..dot];
        if (Flight.Parse(await db.HashGetAsync(StreamKey(queue) + ":inflight", entryId)).Receipt != receiptHandle)
        {
            return false;
        }

        await db.StreamDeleteAsync(StreamKey(queue), [entryId]);
        await db.HashDeleteAsync(StreamKey(queue) + ":inflight", entryId);
        return true;
    }

    public Task PurgeAsync(string queue) =>
        redis.GetDatabase().KeyDeleteAsync([StreamKey(queue), StreamKey(queue) + ":inflight"]);

    public async Task<int> DepthAsync(string queue) => (int)await redis.GetDatabase().StreamLengthAsync(StreamKey(queue));

    private readonly record struct Flight(long VisibleAt, int ReceiveCount, string? Receipt)
    {
        public static Flight Parse(RedisValue value)
        {
            if (!value.HasValue)
            {
                return new Flight(0, 0, null);
            }

            var parts = value.ToString().Split('|', 3);
            return new Flight(
                long.Parse(parts[0], CultureInfo.InvariantCulture),
                int.Parse(parts[1], CultureInfo.InvariantCulture),
                parts[2]);
        }
    }
}
