using System.Globalization;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Queues;

namespace Orleans.AsyncInvoke.Destinations.Queue;

/// <summary>
/// A durable queue held as grain state: in Redis in the Redis profile, in memory in the embedded one. Every change
/// is written before it is acknowledged.
/// </summary>
[GrainType("asyncinvoke-queue")]
public sealed class QueueGrain(
    [PersistentState("queue", StorageNames.Invocations)] IPersistentState<QueueState> state,
    TimeProvider time) : Grain, IQueueGrain
{
    private const int DeduplicationMemory = 10_000;

    public async Task<string> SendAsync(string body, IReadOnlyDictionary<string, string>? attributes, string? deduplicationId)
    {
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
        if (state.State.Sequence == 1)
        {
            await GrainFactory.GetGrain<IQueueDirectoryGrain>(IQueueDirectoryGrain.Key).AddAsync(this.GetPrimaryKeyString());
        }

        return id;
    }

    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int max, TimeSpan visibilityTimeout)
    {
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
        state.State.Messages.Clear();
        await state.WriteStateAsync();
    }

    public Task<int> DepthAsync() => Task.FromResult(state.State.Messages.Count);
}
