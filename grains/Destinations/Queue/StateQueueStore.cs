using System.Globalization;
using Orleans.AsyncInvoke.Queues;

namespace Orleans.AsyncInvoke.Destinations.Queue;

/// <summary>
/// The messages of a queue in its grain's own state (the embedded profile): every change is written before it is
/// acknowledged. Deduplication ids are remembered for the window and at most <see cref="DeduplicationMemory"/> of them.
/// </summary>
internal sealed class StateQueueStore(IPersistentState<QueueState> state, string name, TimeProvider time, TimeSpan deduplicationWindow) : IQueueStore
{
    private const int DeduplicationMemory = 10_000;

    private QueueState State => state.State;

    public async Task<IReadOnlyList<SentMessage>> SendAsync(IReadOnlyList<QueueSend> messages, TimeSpan defaultDelay)
    {
        var now = time.GetUtcNow();
        ForgetDeduplicationIdsBefore(now - deduplicationWindow);
        var sent = new List<SentMessage>(messages.Count);
        foreach (var message in messages)
        {
            if (message.DeduplicationId is { } dedup && State.RecentDeduplicationIds.FindIndex(p => p.Key == dedup) is >= 0 and var seen)
            {
                sent.Add(new SentMessage(State.RecentDeduplicationIds[seen].Value, true));
                continue;
            }

            var id = $"{name}-{++State.Sequence:D12}";
            State.Messages.Add(new StoredMessage
            {
                MessageId = id,
                Body = message.Body,
                Attributes = message.Attributes is null ? [] : new Dictionary<string, string>(message.Attributes, StringComparer.Ordinal),
                AttributeTypes = message.AttributeTypes is null ? [] : new Dictionary<string, string>(message.AttributeTypes, StringComparer.Ordinal),
                SenderId = message.SenderId,
                SentAt = now,
                VisibleAt = now + (message.Delay ?? defaultDelay),
            });
            if (message.DeduplicationId is { } taken)
            {
                State.RecentDeduplicationIds.Add(new(taken, id));
                State.DeduplicationTimes.Add(now);
            }

            sent.Add(new SentMessage(id, false));
        }

        var overflow = State.RecentDeduplicationIds.Count - DeduplicationMemory;
        if (overflow > 0)
        {
            State.RecentDeduplicationIds.RemoveRange(0, overflow);
            State.DeduplicationTimes.RemoveRange(0, Math.Min(overflow, State.DeduplicationTimes.Count));
        }

        await state.WriteStateAsync();
        return sent;
    }

    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int max, TimeSpan visibilityTimeout, DateTimeOffset retainedSince)
    {
        var now = time.GetUtcNow();
        var expired = State.Messages.RemoveAll(m => m.SentAt < retainedSince && m.SentAt != default);
        var taken = new List<QueueMessage>();
        foreach (var message in State.Messages)
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
            message.FirstReceivedAt = message.ReceiveCount == 1 ? now : message.FirstReceivedAt;
            message.Receipt = $"{message.MessageId}.{message.ReceiveCount.ToString(CultureInfo.InvariantCulture)}.{Guid.NewGuid():N}";
            taken.Add(new QueueMessage
            {
                MessageId = message.MessageId,
                ReceiptHandle = message.Receipt,
                Body = message.Body,
                Attributes = message.Attributes,
                AttributeTypes = message.AttributeTypes,
                ReceiveCount = message.ReceiveCount,
                SentAt = message.SentAt,
                FirstReceivedAt = message.FirstReceivedAt,
                SenderId = message.SenderId,
            });
        }

        if (taken.Count > 0 || expired > 0)
        {
            await state.WriteStateAsync();
        }

        return taken;
    }

    public async Task<bool> DeleteAsync(string receiptHandle)
    {
        var index = State.Messages.FindIndex(m => m.Receipt == receiptHandle);
        if (index < 0)
        {
            return false;
        }

        State.Messages.RemoveAt(index);
        await state.WriteStateAsync();
        return true;
    }

    public async Task<VisibilityChange> ChangeVisibilityAsync(string receiptHandle, TimeSpan timeout)
    {
        var message = State.Messages.Find(m => m.Receipt == receiptHandle);
        var now = time.GetUtcNow();
        if (message is null)
        {
            return VisibilityChange.InvalidReceipt;
        }

        if (message.VisibleAt <= now)
        {
            return VisibilityChange.NotInFlight;
        }

        message.VisibleAt = now + timeout;
        await state.WriteStateAsync();
        return VisibilityChange.Changed;
    }

    public async Task PurgeAsync()
    {
        State.Messages.Clear();
        State.RecentDeduplicationIds.Clear();
        State.DeduplicationTimes.Clear();
        await state.WriteStateAsync();
    }

    public Task<int> DepthAsync() => Task.FromResult(State.Messages.Count);

    public Task<IReadOnlyList<QueueMessage>> PeekAsync(int max) => Task.FromResult<IReadOnlyList<QueueMessage>>(
    [
        .. State.Messages.Take(max).Select(m => new QueueMessage
        {
            MessageId = m.MessageId,
            ReceiptHandle = "",
            Body = m.Body,
            Attributes = m.Attributes,
            AttributeTypes = m.AttributeTypes,
            ReceiveCount = m.ReceiveCount,
            SentAt = m.SentAt,
            FirstReceivedAt = m.FirstReceivedAt,
            SenderId = m.SenderId,
        }),
    ]);

    public Task<QueueCounts> CountAsync()
    {
        var now = time.GetUtcNow();
        long visible = 0, inFlight = 0, delayed = 0;
        foreach (var message in State.Messages)
        {
            if (message.VisibleAt <= now)
            {
                visible++;
            }
            else if (message.ReceiveCount > 0)
            {
                inFlight++;
            }
            else
            {
                delayed++;
            }
        }

        return Task.FromResult(new QueueCounts(visible, inFlight, delayed));
    }

    public Task<DateTimeOffset?> NextVisibleAtAsync() =>
        Task.FromResult(State.Messages.Count == 0 ? (DateTimeOffset?)null : State.Messages.Min(m => m.VisibleAt));

    private void ForgetDeduplicationIdsBefore(DateTimeOffset start)
    {
        // Ids stored before their times were kept have no time: they go first, as the oldest.
        var untimed = State.RecentDeduplicationIds.Count - State.DeduplicationTimes.Count;
        var old = Math.Max(untimed, 0) + State.DeduplicationTimes.TakeWhile(t => t < start).Count();
        if (old > 0)
        {
            State.RecentDeduplicationIds.RemoveRange(0, Math.Min(old, State.RecentDeduplicationIds.Count));
            State.DeduplicationTimes.RemoveRange(0, Math.Min(old - Math.Max(untimed, 0), State.DeduplicationTimes.Count));
        }
    }
}
