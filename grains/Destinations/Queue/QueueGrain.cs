using System.Globalization;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Queues;

namespace Orleans.AsyncInvoke.Destinations.Queue;

/// <summary>
/// A durable queue: a Redis Stream in the Redis profile (<see cref="RedisStreamQueueStore"/>), grain state in
/// memory in the embedded one. Every change is written before it is acknowledged; the single activation
/// serialises the operations on one queue.
/// </summary>
[GrainType("asyncinvoke-queue")]
public sealed class QueueGrain(
    [PersistentState("queue", StorageNames.Invocations)] IPersistentState<QueueState> state,
    IServiceProvider services,
    TimeProvider time) : Grain, IQueueGrain
{
    private const int DeduplicationMemory = 10_000;
    private readonly RedisStreamQueueStore? _redis = services.GetService(typeof(RedisStreamQueueStore)) as RedisStreamQueueStore;

    private string Name => this.GetPrimaryKeyString();

    public async Task<string> SendAsync(string body, IReadOnlyDictionary<string, string>? attributes, string? deduplicationId)
    {
        if (_redis is not null)
        {
            var sent = await _redis.SendAsync(Name, body, attributes, deduplicationId);
            await RegisterNameAsync();
            return sent;
        }

        if (deduplicationId is not null
            && state.State.RecentDeduplicationIds.FirstOrDefault(p => p.Key == deduplicationId) is { Key: not null } seen)
        {
            return seen.Value;
        }

        var id = $"{this.GetPrimaryKeyString()}-{++state.State.Sequence:D12}";
        state.State.Messages.Add(new StoredMessage
        {
            MessageId = id,
            Body = body,
            Attributes = attributes is null ? [] : new Dictionary<string, string>(attributes, StringComparer.Ordinal),
            VisibleAt = time.GetUtcNow(),
        });
        if (deduplicationId is not null)
        {
            state.State.RecentDeduplicationIds.Add(new(deduplicationId, id));
            if (state.State.RecentDeduplicationIds.Count > DeduplicationMemory)
            {
                state.State.RecentDeduplicationIds.RemoveAt(0);
            }
        }

        await state.WriteStateAsync();
        await RegisterNameAsync();
        return id;
    }

    public async Task<IReadOnlyList<string>> SendBatchAsync(IReadOnlyList<QueueSend> messages)
    {
        if (_redis is not null)
        {
            var sent = await _redis.SendBatchAsync(Name, messages);
            await RegisterNameAsync();
            return sent;
        }

        // In memory a batch's deduplication ids are not kept: the repeats they guard against follow a crash, and a
        // crash of the embedded silo loses its queues with it.
        var ids = new List<string>(messages.Count);
        var now = time.GetUtcNow();
        foreach (var message in messages)
        {
            var id = $"{Name}-{++state.State.Sequence:D12}";
            state.State.Messages.Add(new StoredMessage
            {
                MessageId = id,
                Body = message.Body,
                Attributes = message.Attributes is null ? [] : new Dictionary<string, string>(message.Attributes, StringComparer.Ordinal),
                VisibleAt = now,
            });
            ids.Add(id);
        }

        await state.WriteStateAsync();
        await RegisterNameAsync();
        return ids;
    }

    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int max, TimeSpan visibilityTimeout)
    {
        if (_redis is not null)
        {
            return await _redis.ReceiveAsync(Name, max, visibilityTimeout);
        }

        var now = time.GetUtcNow();
        var taken = new List<QueueMessage>();
        foreach (var message in state.State.Messages)
        {
            if (taken.Count >= max)
            {
                break;
            }

            if (message.VisibleAt > now)
            {
                continue;
            }

            message.ReceiveCount++;
            message.VisibleAt = now + visibilityTimeout;
            message.Receipt = $"{message.MessageId}.{message.ReceiveCount.ToString(CultureInfo.InvariantCulture)}.{Guid.NewGuid():N}";
            taken.Add(new QueueMessage
            {
                MessageId = message.MessageId,
                ReceiptHandle = message.Receipt,
                Body = message.Body,
                Attributes = message.Attributes,
                ReceiveCount = message.ReceiveCount,
            });
        }

        if (taken.Count > 0)
        {
            await state.WriteStateAsync();
        }

        return taken;
    }

    public async Task<bool> DeleteAsync(string receiptHandle)
    {
        if (_redis is not null)
        {
            return await _redis.DeleteAsync(Name, receiptHandle);
        }

        var index = state.State.Messages.FindIndex(m => m.Receipt == receiptHandle);
        if (index < 0)
        {
            return false;
        }

        state.State.Messages.RemoveAt(index);
        await state.WriteStateAsync();
        return true;
    }

    public async Task PurgeAsync()
    {
        if (_redis is not null)
        {
            await _redis.PurgeAsync(Name);
            return;
        }

        state.State.Messages.Clear();
        await state.WriteStateAsync();
    }

    public Task<int> DepthAsync() => _redis is not null ? _redis.DepthAsync(Name) : Task.FromResult(state.State.Messages.Count);

    private bool _registered;

    private async Task RegisterNameAsync()
    {
        if (!_registered)
        {
            await GrainFactory.GetGrain<IQueueDirectoryGrain>(IQueueDirectoryGrain.Key).AddAsync(Name);
            _registered = true;
        }
    }
}
