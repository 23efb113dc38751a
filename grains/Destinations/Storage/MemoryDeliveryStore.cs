namespace Orleans.AsyncInvoke.Destinations.Storage;

/// <summary>
/// The embedded profile's deliveries: in this process (a <see cref="MemoryDeliveryTable"/>, which silos of one
/// process may share), lost with it. Same rules and costs as the Redis store: an entry per delivery, ordered indexes.
/// </summary>
public sealed class MemoryDeliveryStore(MemoryDeliveryTable table) : IDeliveryStore
{
    public Task<int> AppendAsync(IReadOnlyList<Delivery> deliveries, DateTimeOffset dueAt)
    {
        lock (table.Lock)
        {
            return Task.FromResult(AppendLocked(deliveries, dueAt));
        }
    }

    public Task<IReadOnlyList<Delivery>> ClaimDueAsync(DateTimeOffset now, TimeSpan lease, int max)
    {
        var claimed = new List<Delivery>();
        var due = now.ToUnixTimeMilliseconds();
        lock (table.Lock)
        {
            foreach (var (at, id) in table.Due)
            {
                if (at > due || claimed.Count == max)
                {
                    break;
                }

                claimed.Add(table.Entries[id].Delivery);
            }

            foreach (var delivery in claimed)
            {
                Schedule(delivery.Id, now + lease);
            }
        }

        return Task.FromResult<IReadOnlyList<Delivery>>(claimed);
    }

    public Task<int> CompleteAsync(IReadOnlyList<Delivery> delivered, IReadOnlyList<Delivery> followUps, DateTimeOffset followUpsDueAt)
    {
        lock (table.Lock)
        {
            foreach (var delivery in delivered)
            {
                if (table.Entries.TryGetValue(delivery.Id, out var entry) && !entry.Parked)
                {
                    table.Entries.Remove(delivery.Id);
                    table.Due.Remove((entry.At, delivery.Id));
                    table.CountersOf(delivery.Destination).Pending--;
                    table.Operations++;
                }
            }

            return Task.FromResult(AppendLocked(followUps, followUpsDueAt));
        }
    }

    public Task RetryAtAsync(Delivery delivery, DateTimeOffset dueAt)
    {
        lock (table.Lock)
        {
            if (table.Entries.TryGetValue(delivery.Id, out var entry) && !entry.Parked)
            {
                table.Entries[delivery.Id] = entry with { Delivery = delivery };
                Schedule(delivery.Id, dueAt);
                table.CountersOf(delivery.Destination).DeliveryFailures++;
            }
        }

        return Task.CompletedTask;
    }

    public Task ParkAsync(Delivery delivery, DateTimeOffset parkedAt)
    {
        lock (table.Lock)
        {
            if (table.Entries.TryGetValue(delivery.Id, out var entry) && !entry.Parked)
            {
                table.Due.Remove((entry.At, delivery.Id));
                var at = parkedAt.ToUnixTimeMilliseconds();
                table.Entries[delivery.Id] = new MemoryDeliveryTable.Entry(delivery, at, Parked: true);
                table.ParkedOf(delivery.Destination).Add((at, delivery.Id));
                var counters = table.CountersOf(delivery.Destination);
                counters.Pending--;
                counters.Parked++;
                counters.DeliveryFailures++;
                table.Operations++;
            }
        }

        return Task.CompletedTask;
    }

    public Task ReleaseAsync(IReadOnlyList<Delivery> deliveries, DateTimeOffset dueAt)
    {
        lock (table.Lock)
        {
            foreach (var delivery in deliveries)
            {
                if (table.Entries.TryGetValue(delivery.Id, out var entry) && !entry.Parked)
                {
                    Schedule(delivery.Id, dueAt);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<DeliveryCounters> GetCountersAsync(string destination)
    {
        lock (table.Lock)
        {
            var c = table.CountersOf(destination);
            return Task.FromResult(new DeliveryCounters(c.Pending, c.Parked, c.DeliveryFailures));
        }
    }

    public Task<IReadOnlyList<(string Destination, DeliveryCounters Counters)>> ListDestinationsAsync()
    {
        lock (table.Lock)
        {
            return Task.FromResult<IReadOnlyList<(string, DeliveryCounters)>>(
                [.. table.Destinations.Order(StringComparer.Ordinal).Select(d => (d, ToCounters(table.CountersOf(d))))]);
        }
    }

    private static DeliveryCounters ToCounters(MemoryDeliveryTable.Counters c) => new(c.Pending, c.Parked, c.DeliveryFailures);

    public Task<IReadOnlyList<Delivery>> ListParkedAsync(string destination, int offset, int limit)
    {
        lock (table.Lock)
        {
            return Task.FromResult<IReadOnlyList<Delivery>>([.. table.ParkedOf(destination).Skip(offset).Take(limit).Select(p => table.Entries[p.Id].Delivery)]);
        }
    }

    public Task<int> RedriveAsync(string destination, DateTimeOffset now, int max)
    {
        lock (table.Lock)
        {
            var parked = table.ParkedOf(destination);
            var moved = parked.Take(max).ToList();
            var at = now.ToUnixTimeMilliseconds();
            foreach (var (_, id) in moved)
            {
                parked.Remove((table.Entries[id].At, id));
                var delivery = table.Entries[id].Delivery with { Attempts = 0, FirstAttemptAt = now };
                table.Entries[id] = new MemoryDeliveryTable.Entry(delivery, at, Parked: false);
                table.Due.Add((at, id));
                table.Operations++;
            }

            var counters = table.CountersOf(destination);
            counters.Parked -= moved.Count;
            counters.Pending += moved.Count;
            return Task.FromResult(moved.Count);
        }
    }

    /// <summary>Appends under the table's lock (the invocation store's outbox calls this inside its own write).</summary>
    internal int AppendLocked(IReadOnlyList<Delivery> deliveries, DateTimeOffset dueAt)
    {
        var at = dueAt.ToUnixTimeMilliseconds();
        var added = 0;
        foreach (var delivery in deliveries)
        {
            if (table.Entries.TryAdd(delivery.Id, new MemoryDeliveryTable.Entry(delivery, at, Parked: false)))
            {
                table.Due.Add((at, delivery.Id));
                table.CountersOf(delivery.Destination).Pending++;
                table.Operations++;
                added++;
            }
        }

        return added;
    }

    private void Schedule(string id, DateTimeOffset dueAt)
    {
        var entry = table.Entries[id];
        var at = dueAt.ToUnixTimeMilliseconds();
        table.Due.Remove((entry.At, id));
        table.Due.Add((at, id));
        table.Entries[id] = entry with { At = at };
        table.Operations++;
    }
}

/// <summary>The data behind <see cref="MemoryDeliveryStore"/>: one per process, or one per test cluster.</summary>
public sealed class MemoryDeliveryTable
{
    internal Lock Lock { get; } = new();

    internal Dictionary<string, Entry> Entries { get; } = new(StringComparer.Ordinal);

    internal SortedSet<(long At, string Id)> Due { get; } = new();

    private readonly Dictionary<string, SortedSet<(long At, string Id)>> _parked = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Counters> _counters = new(StringComparer.Ordinal);

    /// <summary>Entry writes so far (one per append, reschedule, park, removal): the store work the deliveries cost.</summary>
    public long Operations { get; internal set; }

    /// <summary>Deliveries stored (pending or parked).</summary>
    public int Count
    {
        get
        {
            lock (Lock)
            {
                return Entries.Count;
            }
        }
    }

    internal SortedSet<(long At, string Id)> ParkedOf(string destination) =>
        _parked.TryGetValue(destination, out var set) ? set : _parked[destination] = new();

    /// <summary>Every destination with counters.</summary>
    internal IEnumerable<string> Destinations => _counters.Keys;

    internal Counters CountersOf(string destination) =>
        _counters.TryGetValue(destination, out var c) ? c : _counters[destination] = new();

    /// <summary>A stored delivery: due (or parked) at <paramref name="At"/>, Unix milliseconds.</summary>
    internal sealed record Entry(Delivery Delivery, long At, bool Parked);

    internal sealed class Counters
    {
        public long Pending;
        public long Parked;
        public long DeliveryFailures;
    }
}
