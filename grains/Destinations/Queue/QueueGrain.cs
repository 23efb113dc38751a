using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Queues;

namespace Orleans.AsyncInvoke.Destinations.Queue;

/// <summary>
/// A durable queue: its messages in Redis in the Redis profile (<see cref="RedisStreamQueueStore"/>), in the grain's
/// state in the embedded one (<see cref="StateQueueStore"/>); its settings in the grain's state in both. Every change
/// is written before it is acknowledged; the single activation serialises the operations on one queue, and a long
/// poll waits beside them (<see cref="WaitForMessageAsync"/>) without holding them up.
/// </summary>
[GrainType("asyncinvoke-queue")]
public sealed class QueueGrain(
    [PersistentState("queue", StorageNames.Invocations)] IPersistentState<QueueState> state,
    IServiceProvider services,
    TimeProvider time) : Grain, IQueueGrain
{
    private const int MaxTags = 50;

    private IQueueStore? _store;
    private TaskCompletionSource _sent = NewSignal();
    private bool _registered;

    private string Name => this.GetPrimaryKeyString();

    private IQueueStore Store => _store ??= services.GetService(typeof(RedisStreamQueueStore)) is RedisStreamQueueStore redis
        ? redis.For(Name)
        : new StateQueueStore(state, Name, time,
            (services.GetService(typeof(IOptions<AsyncInvokeOptions>)) as IOptions<AsyncInvokeOptions>)?.Value.Retention ?? TimeSpan.FromHours(24));

    private QueueSettings Settings => state.State.Settings ?? new QueueSettings();

    public async Task<string> SendAsync(string body, IReadOnlyDictionary<string, string>? attributes, string? deduplicationId) =>
        (await SendAllAsync([new QueueSend(body, attributes, deduplicationId)]))[0].Id;

    public async Task<IReadOnlyList<string>> SendBatchAsync(IReadOnlyList<QueueSend> messages) =>
        [.. (await SendAllAsync(messages)).Select(m => m.Repeat ? "" : m.Id)];

    public Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int max, TimeSpan visibilityTimeout) => ReceiveMessagesAsync(max, visibilityTimeout);

    public async Task<IReadOnlyList<QueueMessage>> ReceiveMessagesAsync(int max, TimeSpan? visibilityTimeout)
    {
        var settings = Settings;
        var timeout = visibilityTimeout ?? settings.VisibilityTimeout;
        var retainedSince = time.GetUtcNow() - settings.RetentionPeriod;
        var redrive = settings.Redrive is { } r && r.Queue != Name ? r : ((string Queue, int MaxReceiveCount)?)null;
        var taken = new List<QueueMessage>(max);
        // Messages moved to the dead-letter queue leave room: ask again, a bounded number of times.
        for (var round = 0; round < 10 && taken.Count < max; round++)
        {
            var batch = await Store.ReceiveAsync(max - taken.Count, timeout, retainedSince);
            if (redrive is not { } policy)
            {
                taken.AddRange(batch);
                break;
            }

            var moved = batch.Where(m => m.ReceiveCount > policy.MaxReceiveCount).ToList();
            taken.AddRange(batch.Where(m => m.ReceiveCount <= policy.MaxReceiveCount));
            if (moved.Count == 0)
            {
                break;
            }

            await MoveToDeadLetterQueueAsync(policy.Queue, moved);
        }

        return taken;
    }

    public async Task WaitForMessageAsync(TimeSpan timeout)
    {
        // Taken before anything is awaited: a send that interleaves from here on completes this very signal.
        var sent = _sent.Task;
        var next = await Store.NextVisibleAtAsync();
        var now = time.GetUtcNow();
        var wait = next is { } at ? (at <= now ? TimeSpan.Zero : Min(timeout, at - now)) : timeout;
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await sent.WaitAsync(wait, time);
        }
        catch (TimeoutException)
        {
            // The wait is over, or a hidden message is visible again: the caller asks.
        }
    }

    public Task<bool> DeleteAsync(string receiptHandle) => Store.DeleteAsync(receiptHandle);

    public Task<VisibilityChange> ChangeVisibilityAsync(string receiptHandle, TimeSpan timeout) => Store.ChangeVisibilityAsync(receiptHandle, timeout);

    public Task PurgeAsync() => Store.PurgeAsync();

    public Task<int> DepthAsync() => Store.DepthAsync();

    public Task<IReadOnlyList<QueueMessage>> PeekAsync(int max) => Store.PeekAsync(max);

    public Task<QueueCounts> CountAsync() => Store.CountAsync();

    public async Task<QueueCreation> CreateAsync(IReadOnlyDictionary<string, string> attributes)
    {
        ThrowIfInvalid(attributes);
        if (await CurrentSettingsAsync() is { } existing)
        {
            var conflict = attributes.Where(a => a.Key != QueueAttributes.FifoQueue).FirstOrDefault(a => existing.Get(a.Key) != a.Value).Key;
            return new QueueCreation(false, conflict);
        }

        var now = time.GetUtcNow();
        state.State.Settings = new QueueSettings { Attributes = Settable(attributes, new Dictionary<string, string>()), CreatedAt = now, LastModifiedAt = now };
        await state.WriteStateAsync();
        await RegisterNameAsync();
        return new QueueCreation(true, null);
    }

    public Task<QueueSettings?> GetSettingsAsync() => CurrentSettingsAsync();

    public async Task<bool> SetAttributesAsync(IReadOnlyDictionary<string, string> attributes)
    {
        ThrowIfInvalid(attributes);
        if (await CurrentSettingsAsync() is not { } current)
        {
            return false;
        }

        state.State.Settings = current with
        {
            Attributes = Settable(attributes, current.Attributes),
            LastModifiedAt = time.GetUtcNow(),
        };
        await state.WriteStateAsync();
        return true;
    }

    public async Task<bool> TagAsync(IReadOnlyDictionary<string, string> set, IReadOnlyList<string> remove)
    {
        if (await CurrentSettingsAsync() is not { } current)
        {
            return false;
        }

        var tags = new Dictionary<string, string>(current.Tags, StringComparer.Ordinal);
        foreach (var (key, value) in set)
        {
            tags[key] = value;
        }

        foreach (var key in remove)
        {
            tags.Remove(key);
        }

        if (tags.Count > MaxTags)
        {
            throw ErrorCodes.InvalidParameter($"Too many tags added for queue {Name}: a queue has at most {MaxTags} tags.");
        }

        state.State.Settings = current with { Tags = tags };
        await state.WriteStateAsync();
        return true;
    }

    public async Task<bool> DeleteQueueAsync()
    {
        if (await CurrentSettingsAsync() is null)
        {
            return false;
        }

        await Store.PurgeAsync();
        state.State.Settings = null;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IQueueDirectoryGrain>(IQueueDirectoryGrain.Key).RemoveAsync(Name);
        _registered = false;
        return true;
    }

    private async Task<IReadOnlyList<SentMessage>> SendAllAsync(IReadOnlyList<QueueSend> messages)
    {
        if (state.State.Settings is null)
        {
            // A queue comes into being with its first message (a destination names it before anyone creates it).
            var now = time.GetUtcNow();
            state.State.Settings = new QueueSettings { CreatedAt = now, LastModifiedAt = now };
            await state.WriteStateAsync();
        }

        var sent = await Store.SendAsync(messages, Settings.Delay);
        var signal = _sent;
        _sent = NewSignal();
        signal.TrySetResult();
        await RegisterNameAsync();
        return sent;
    }

    private async Task MoveToDeadLetterQueueAsync(string deadLetterQueue, IReadOnlyList<QueueMessage> messages)
    {
        await GrainFactory.GetGrain<IQueueGrain>(deadLetterQueue).SendBatchAsync(
        [
            .. messages.Select(m => new QueueSend(m.Body, m.Attributes) { AttributeTypes = m.AttributeTypes, SenderId = m.SenderId }),
        ]);
        foreach (var message in messages)
        {
            await Store.DeleteAsync(message.ReceiptHandle);
        }
    }

    /// <summary>The settings; a queue from before settings were kept exists when the directory names it.</summary>
    private async Task<QueueSettings?> CurrentSettingsAsync()
    {
        if (state.State.Settings is null && await GrainFactory.GetGrain<IQueueDirectoryGrain>(IQueueDirectoryGrain.Key).ContainsAsync(Name))
        {
            var now = time.GetUtcNow();
            state.State.Settings = new QueueSettings { CreatedAt = now, LastModifiedAt = now };
            await state.WriteStateAsync();
            _registered = true;
        }

        return state.State.Settings;
    }

    private static void ThrowIfInvalid(IReadOnlyDictionary<string, string> attributes)
    {
        foreach (var (name, value) in attributes)
        {
            if (QueueAttributes.Problem(name, value) is { } problem)
            {
                throw ErrorCodes.InvalidParameter(problem);
            }
        }
    }

    /// <summary>The stored attributes after a change: an empty value unsets, <c>FifoQueue=false</c> is not kept.</summary>
    private static Dictionary<string, string> Settable(IReadOnlyDictionary<string, string> change, IReadOnlyDictionary<string, string> current)
    {
        var result = new Dictionary<string, string>(current, StringComparer.Ordinal);
        foreach (var (name, value) in change)
        {
            if (name == QueueAttributes.FifoQueue || value.Length == 0)
            {
                result.Remove(name);
            }
            else
            {
                result[name] = value;
            }
        }

        return result;
    }

    private async Task RegisterNameAsync()
    {
        if (!_registered)
        {
            await GrainFactory.GetGrain<IQueueDirectoryGrain>(IQueueDirectoryGrain.Key).AddAsync(Name);
            _registered = true;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
