using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Queues;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Destinations.Queue;

/// <summary>
/// Queues of the Redis profile: one Redis Stream per queue (<c>asyncinvoke:&lt;service&gt;:queue:&lt;name&gt;</c>) holds
/// the messages; beside it, sharing its hash slot, a sorted set of every message by the time it becomes visible, one of
/// delayed messages not yet due, a hash of each received message's receive count and receipt, and the deduplication
/// ids taken within the window. A receive reads the index, never the stream from its head, so visible messages behind
/// any number of hidden ones are found at once. Each operation is one script; only the queue's grain calls it.
/// </summary>
public sealed partial class RedisStreamQueueStore(IConnectionMultiplexer redis, IOptions<ClusterOptions> cluster, TimeProvider time, IOptions<Hosting.AsyncInvokeOptions>? options = null)
{
    /// <summary>
    /// How long a deduplication id is remembered: as long as a finished invocation (whose record it names) is kept.
    /// Ids older than that are dropped on the next send, so the memory of ids stays bounded.
    /// </summary>
    private readonly TimeSpan _horizon = options?.Value.Retention ?? TimeSpan.FromHours(24);

    private readonly string _prefix = $"asyncinvoke:{cluster.Value.ServiceId}:queue:";

    /// <summary>The stream key of a queue.</summary>
    public string StreamKey(string queue) => _prefix + queue;

    /// <summary>
    /// The deduplication ids a queue has taken (score: when, Unix ms). The stream's own name is the hash tag, so on
    /// Redis Cluster every key of a queue shares the stream's slot and one script touches them all.
    /// </summary>
    public string SentKey(string queue) => Tagged(queue, "sent");

    /// <summary>The message id each remembered deduplication id answers with.</summary>
    public string SentIdsKey(string queue) => Tagged(queue, "sent-ids");

    private string Tagged(string queue, string part) => "{" + StreamKey(queue) + "}:" + part;

    private RedisKey[] Keys(string queue) =>
    [
        StreamKey(queue), SentKey(queue), SentIdsKey(queue), Tagged(queue, "visible"), Tagged(queue, "delayed"), Tagged(queue, "flight"),
    ];

    /// <summary>The store of one queue, as its grain uses it.</summary>
    internal IQueueStore For(string queue) => new Queue(this, queue);

    /// <summary>Appends a message; a deduplication id seen within the window answers the first message's id.</summary>
    public async Task<string> SendAsync(string queue, string body, IReadOnlyDictionary<string, string>? attributes, string? deduplicationId) =>
        (await SendAsync(queue, [new QueueSend(body, attributes, deduplicationId)], TimeSpan.Zero))[0].Id;

    /// <summary>Appends a batch in one script; repeats of deduplication ids answer an empty message id.</summary>
    public async Task<IReadOnlyList<string>> SendBatchAsync(string queue, IReadOnlyList<QueueSend> messages) =>
        [.. (await SendAsync(queue, messages, TimeSpan.Zero)).Select(m => m.Repeat ? "" : m.Id)];

    internal async Task<IReadOnlyList<SentMessage>> SendAsync(string queue, IReadOnlyList<QueueSend> messages, TimeSpan defaultDelay)
    {
        var now = time.GetUtcNow();
        var args = new List<RedisValue>(2 + (messages.Count * 6))
        {
            now.ToUnixTimeMilliseconds(),
            (now - _horizon).ToUnixTimeMilliseconds(),
        };
        foreach (var m in messages)
        {
            args.Add(m.DeduplicationId ?? "");
            args.Add(m.Body);
            args.Add(JsonSerializer.Serialize(m.Attributes ?? new Dictionary<string, string>()));
            args.Add(m.AttributeTypes is { Count: > 0 } types ? JsonSerializer.Serialize(types) : "");
            args.Add(m.SenderId ?? "");
            args.Add((now + (m.Delay ?? defaultDelay)).ToUnixTimeMilliseconds());
        }

        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(SendScript, Keys(queue), [.. args]))!;
        return [.. result.Select(r => r.ToString() is var id && id.StartsWith('=') ? new SentMessage(id[1..], true) : new SentMessage(id, false))];
    }

    /// <summary>Takes up to <paramref name="max"/> visible messages and hides them for <paramref name="visibilityTimeout"/>.</summary>
    public Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int max, TimeSpan visibilityTimeout) =>
        ReceiveAsync(queue, max, visibilityTimeout, DateTimeOffset.MinValue);

    internal async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int max, TimeSpan visibilityTimeout, DateTimeOffset retainedSince)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var cutoff = retainedSince == DateTimeOffset.MinValue ? 0 : retainedSince.ToUnixTimeMilliseconds();
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(ReceiveScript, Keys(queue),
            [now, max, now + (long)visibilityTimeout.TotalMilliseconds, cutoff, Guid.NewGuid().ToString("N")]))!;
        var taken = new List<QueueMessage>(result.Length / 9);
        for (var i = 0; i + 8 < result.Length; i += 9)
        {
            var id = result[i].ToString();
            var types = result[i + 3].ToString();
            var sender = result[i + 4].ToString();
            taken.Add(new QueueMessage
            {
                MessageId = id,
                Body = result[i + 1].ToString(),
                Attributes = JsonSerializer.Deserialize<Dictionary<string, string>>(result[i + 2].ToString()) ?? [],
                AttributeTypes = types.Length == 0 ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(types) ?? [],
                SenderId = sender.Length == 0 ? null : sender,
                SentAt = DateTimeOffset.FromUnixTimeMilliseconds(Millis(result[i + 5])),
                ReceiveCount = (int)Millis(result[i + 6]),
                ReceiptHandle = result[i + 7].ToString(),
                FirstReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(Millis(result[i + 8])),
            });
        }

        return taken;
    }

    /// <summary>Deletes the message of the receipt; <c>false</c> when the receipt is not the message's latest.</summary>
    public async Task<bool> DeleteAsync(string queue, string receiptHandle)
    {
        if (EntryOf(receiptHandle) is not { } id)
        {
            return false;
        }

        return (long)(await redis.GetDatabase().ScriptEvaluateAsync(DeleteScript, Keys(queue), [id, receiptHandle, Member(id)])) == 1;
    }

    internal async Task<VisibilityChange> ChangeVisibilityAsync(string queue, string receiptHandle, TimeSpan timeout)
    {
        if (EntryOf(receiptHandle) is not { } id)
        {
            return VisibilityChange.InvalidReceipt;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return (long)(await redis.GetDatabase().ScriptEvaluateAsync(ChangeVisibilityScript, Keys(queue),
            [id, receiptHandle, Member(id), now, now + (long)timeout.TotalMilliseconds])) switch
        {
            1 => VisibilityChange.Changed,
            -1 => VisibilityChange.NotInFlight,
            _ => VisibilityChange.InvalidReceipt,
        };
    }

    /// <summary>Deletes every message of the queue and forgets its deduplication ids.</summary>
    public Task PurgeAsync(string queue)
    {
        // The queue's keys share a slot and go in one command; the legacy ones each in their own (see LegacyKeys).
        var db = redis.GetDatabase();
        return Task.WhenAll(db.KeyDeleteAsync(Keys(queue)), DeleteEachAsync(db, LegacyKeys(queue)));
    }

    public async Task<int> DepthAsync(string queue) => (int)await redis.GetDatabase().StreamLengthAsync(StreamKey(queue));

    internal async Task<QueueCounts> CountAsync(string queue)
    {
        var db = redis.GetDatabase();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var keys = Keys(queue);
        var due = db.SortedSetLengthAsync(keys[3], double.NegativeInfinity, now);
        var hidden = db.SortedSetLengthAsync(keys[3], now, double.PositiveInfinity, Exclude.Start);
        var delayedDue = db.SortedSetLengthAsync(keys[4], double.NegativeInfinity, now);
        var delayed = db.SortedSetLengthAsync(keys[4], now, double.PositiveInfinity, Exclude.Start);
        await Task.WhenAll(due, hidden, delayedDue, delayed);
        return new QueueCounts(due.Result + delayedDue.Result, hidden.Result, delayed.Result);
    }

    internal async Task<DateTimeOffset?> NextVisibleAtAsync(string queue)
    {
        var db = redis.GetDatabase();
        var keys = Keys(queue);
        var visible = db.SortedSetRangeByRankWithScoresAsync(keys[3], 0, 0);
        var delayed = db.SortedSetRangeByRankWithScoresAsync(keys[4], 0, 0);
        var first = (await visible).Concat(await delayed).Select(e => (double?)e.Score).Min();
        return first is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds((long)ms) : null;
    }

    /// <summary>The stream entry id a receipt names (<c>&lt;entry id&gt;.&lt;count&gt;.&lt;random&gt;</c>).</summary>
    private static string? EntryOf(string receiptHandle)
    {
        var dot = receiptHandle.IndexOf('.', StringComparison.Ordinal);
        return dot <= 0 ? null : receiptHandle[..dot];
    }

    /// <summary>
    /// An entry id as the index's member: both numbers zero-padded, so messages that become visible in the same
    /// millisecond are handed out in the order they were sent.
    /// </summary>
    internal static string Member(string entryId)
    {
        var dash = entryId.IndexOf('-', StringComparison.Ordinal);
        return dash < 0 ? entryId : entryId[..dash].PadLeft(20, '0') + "-" + entryId[(dash + 1)..].PadLeft(20, '0');
    }

    /// <summary>The oldest <paramref name="max"/> messages with their receive counts, read without receiving them.</summary>
    internal async Task<IReadOnlyList<QueueMessage>> PeekAsync(string queue, int max)
    {
        var db = redis.GetDatabase();
        var entries = await db.StreamRangeAsync(StreamKey(queue), count: max);
        if (entries.Length == 0)
        {
            return [];
        }

        var flights = await db.HashGetAsync(Tagged(queue, "flight"), [.. entries.Select(e => (RedisValue)e.Id.ToString())]);
        var messages = new List<QueueMessage>(entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            var id = entries[i].Id.ToString();
            string Field(string name) => entries[i].Values.FirstOrDefault(v => v.Name == name).Value.ToString() ?? "";
            var sent = Field("sent");
            var types = Field("types");
            var sender = Field("sender");
            var flight = flights[i].ToString() ?? "";
            var parts = flight.Split('|');
            messages.Add(new QueueMessage
            {
                MessageId = id,
                ReceiptHandle = "",
                Body = Field("body"),
                Attributes = Field("attributes") is { Length: > 0 } a ? JsonSerializer.Deserialize<Dictionary<string, string>>(a) ?? [] : [],
                AttributeTypes = types.Length == 0 ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(types) ?? [],
                SenderId = sender.Length == 0 ? null : sender,
                SentAt = DateTimeOffset.FromUnixTimeMilliseconds(long.TryParse(sent.Length > 0 ? sent : id.Split('-')[0], CultureInfo.InvariantCulture, out var ms) ? ms : 0),
                ReceiveCount = parts.Length == 3 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var received) ? received : 0,
                FirstReceivedAt = parts.Length == 3 && long.TryParse(parts[2], CultureInfo.InvariantCulture, out var first) ? DateTimeOffset.FromUnixTimeMilliseconds(first) : default,
            });
        }

        return messages;
    }

    private static long Millis(RedisResult value) => long.Parse(value.ToString(), CultureInfo.InvariantCulture);

    private sealed class Queue(RedisStreamQueueStore store, string name) : IQueueStore
    {
        private bool _upgraded;

        public async Task<IReadOnlyList<SentMessage>> SendAsync(IReadOnlyList<QueueSend> messages, TimeSpan defaultDelay)
        {
            await UpgradeOnceAsync();
            return await store.SendAsync(name, messages, defaultDelay);
        }

        public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int max, TimeSpan visibilityTimeout, DateTimeOffset retainedSince)
        {
            await UpgradeOnceAsync();
            return await store.ReceiveAsync(name, max, visibilityTimeout, retainedSince);
        }

        public async Task<bool> DeleteAsync(string receiptHandle)
        {
            await UpgradeOnceAsync();
            return await store.DeleteAsync(name, receiptHandle);
        }

        public async Task<VisibilityChange> ChangeVisibilityAsync(string receiptHandle, TimeSpan timeout)
        {
            await UpgradeOnceAsync();
            return await store.ChangeVisibilityAsync(name, receiptHandle, timeout);
        }

        public Task PurgeAsync() => store.PurgeAsync(name);

        public Task<int> DepthAsync() => store.DepthAsync(name);

        public async Task<IReadOnlyList<QueueMessage>> PeekAsync(int max)
        {
            await UpgradeOnceAsync();
            return await store.PeekAsync(name, max);
        }

        public async Task<QueueCounts> CountAsync()
        {
            await UpgradeOnceAsync();
            return await store.CountAsync(name);
        }

        public Task<DateTimeOffset?> NextVisibleAtAsync() => store.NextVisibleAtAsync(name);

        private async Task UpgradeOnceAsync()
        {
            if (!_upgraded)
            {
                await store.UpgradeAsync(name);
                _upgraded = true;
            }
        }
    }
}
