using Orleans.Serialization;

namespace Orleans.AsyncInvoke.Invocations.Storage;

/// <summary>
/// The embedded profile's store: state and wake-ups in this process (in a <see cref="MemoryInvocationTable"/>, which
/// silos of one process may share), lost with it. States are kept serialized so a grain never shares a mutable object
/// with the store, exactly as with a real one.
/// </summary>
public sealed class MemoryInvocationStore(MemoryInvocationTable table, Serializer<InvocationState> serializer) : IInvocationStore
{
    private readonly Lock _lock = table.Lock;
    private readonly Dictionary<string, MemoryInvocationTable.Entry> _entries = table.Entries;
    private readonly SortedSet<(long WakeAt, string RequestId)> _wakeUps = table.WakeUps;
    private readonly Destinations.Storage.MemoryDeliveryStore _deliveries = new(table.Deliveries);

    public Task<bool> TryCreateAsync(string requestId, InvocationState state, DateTimeOffset wakeAt)
    {
        var bytes = InvocationStateCodec.Serialize(serializer, state);
        lock (_lock)
        {
            if (_entries.ContainsKey(requestId))
            {
                return Task.FromResult(false);
            }

            Put(requestId, bytes, wakeAt, !state.IsFinal);
            if (!table.ByFunction.TryGetValue(state.FunctionName, out var index))
            {
                table.ByFunction[state.FunctionName] = index = new SortedSet<(long, string)>();
            }

            index.Add((state.ReceivedAt.ToUnixTimeMilliseconds(), requestId));
            return Task.FromResult(true);
        }
    }

    public Task<InvocationState?> ReadAsync(string requestId)
    {
        byte[]? bytes;
        lock (_lock)
        {
            bytes = _entries.TryGetValue(requestId, out var entry) ? entry.State : null;
        }

        return Task.FromResult(bytes is null ? null : InvocationStateCodec.Deserialize(serializer, bytes));
    }

    public Task WriteAsync(string requestId, InvocationState state, DateTimeOffset wakeAt, Outbox? outbox = null)
    {
        var bytes = InvocationStateCodec.Serialize(serializer, state);
        lock (_lock)
        {
            Remove(requestId);
            Put(requestId, bytes, wakeAt, !state.IsFinal);
            if (outbox is { Deliveries.Count: > 0 })
            {
                lock (table.Deliveries.Lock)
                {
                    _deliveries.AppendLocked(outbox.Deliveries, outbox.DueAt);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<bool> TryWriteUntouchedAsync(string requestId, DateTimeOffset storedWakeAt, InvocationState state, DateTimeOffset wakeAt)
    {
        var bytes = InvocationStateCodec.Serialize(serializer, state);
        lock (_lock)
        {
            if (!_entries.TryGetValue(requestId, out var entry) || !entry.Pending || entry.WakeAt != storedWakeAt.ToUnixTimeMilliseconds())
            {
                return Task.FromResult(false);
            }

            Remove(requestId);
            Put(requestId, bytes, wakeAt, !state.IsFinal);
        }

        return Task.FromResult(true);
    }

    public Task DeleteAsync(string requestId, string? functionName = null)
    {
        byte[]? bytes;
        lock (_lock)
        {
            bytes = _entries.TryGetValue(requestId, out var entry) ? entry.State : null;
            Remove(requestId);
        }

        if (functionName is not null && bytes is not null)
        {
            var receivedAt = InvocationStateCodec.Deserialize(serializer, bytes)!.ReceivedAt.ToUnixTimeMilliseconds();
            lock (_lock)
            {
                if (table.ByFunction.TryGetValue(functionName, out var index))
                {
                    index.Remove((receivedAt, requestId));
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<IndexedInvocation>> ListAsync(string functionName, long beforeMs, int skip, int count)
    {
        var found = new List<(long At, string Id, byte[]? State)>(count);
        lock (_lock)
        {
            if (table.ByFunction.TryGetValue(functionName, out var index) && index.Count > 0)
            {
                var view = beforeMs == long.MaxValue ? index : index.GetViewBetween((long.MinValue, ""), (beforeMs + 1, ""));
                foreach (var (at, id) in view.Reverse())
                {
                    if (at > beforeMs)
                    {
                        continue;
                    }

                    if (skip-- > 0)
                    {
                        continue;
                    }

                    found.Add((at, id, _entries.TryGetValue(id, out var entry) ? entry.State : null));
                    if (found.Count == count)
                    {
                        break;
                    }
                }
            }
        }

        return Task.FromResult<IReadOnlyList<IndexedInvocation>>(
            [.. found.Select(f => new IndexedInvocation(f.Id, f.At, f.State is null ? null : InvocationStateCodec.Deserialize(serializer, f.State)))]);
    }

    public Task<IReadOnlyList<string>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int max)
    {
        var claimed = new List<string>();
        var due = now.ToUnixTimeMilliseconds();
        lock (_lock)
        {
            foreach (var (wakeAt, requestId) in _wakeUps)
            {
                if (wakeAt > due || claimed.Count == max)
                {
                    break;
                }

                claimed.Add(requestId);
            }

            foreach (var requestId in claimed)
            {
                var entry = _entries[requestId];
                Remove(requestId);
                Put(requestId, entry.State, now + lease, entry.Pending);
            }
        }

        return Task.FromResult<IReadOnlyList<string>>(claimed);
    }

    public Task<WakeUpBacklog> GetBacklogAsync()
    {
        lock (_lock)
        {
            long pending = 0;
            long? earliest = null;
            foreach (var entry in _entries.Values)
            {
                if (entry.Pending)
                {
                    pending++;
                    earliest = earliest is null ? entry.WakeAt : Math.Min(earliest.Value, entry.WakeAt);
                }
            }

            return Task.FromResult(new WakeUpBacklog(pending, earliest is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null));
        }
    }

    private void Put(string requestId, byte[] state, DateTimeOffset wakeAt, bool pending)
    {
        var at = wakeAt.ToUnixTimeMilliseconds();
        _entries[requestId] = new MemoryInvocationTable.Entry(state, at, pending);
        _wakeUps.Add((at, requestId));
    }

    private void Remove(string requestId)
    {
        if (_entries.Remove(requestId, out var old))
        {
            _wakeUps.Remove((old.WakeAt, requestId));
        }
    }
}

/// <summary>The data behind <see cref="MemoryInvocationStore"/>: one per process, or one per test cluster.</summary>
public sealed class MemoryInvocationTable
{
    internal Lock Lock { get; } = new();

    internal Dictionary<string, Entry> Entries { get; } = new(StringComparer.Ordinal);

    internal SortedSet<(long WakeAt, string RequestId)> WakeUps { get; } = new();

    /// <summary>Each function's listing index: its request ids by received time (Unix ms).</summary>
    internal Dictionary<string, SortedSet<(long ReceivedAt, string RequestId)>> ByFunction { get; } = new(StringComparer.Ordinal);

    /// <summary>The deliveries stored beside the invocations (an invocation's final write appends its outbox here).</summary>
    public Destinations.Storage.MemoryDeliveryTable Deliveries { get; } = new();

    internal sealed record Entry(byte[] State, long WakeAt, bool Pending);
}
