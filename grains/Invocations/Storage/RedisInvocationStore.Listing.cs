using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Invocations.Storage;

/// <summary>
/// A function's listing across shards: each shard holds the slice of the index for its own invocations, and a page is
/// a k-way merge of the slices, newest first. Equal received times are ordered by request id, descending, as each
/// slice orders them itself, so the merged order is one total order and the lister's position (a received time, and
/// how many entries of that millisecond were passed) means the same on every page.
/// </summary>
public sealed partial class RedisInvocationStore
{
    public async Task<IReadOnlyList<IndexedInvocation>> ListAsync(string functionName, long beforeMs, int skip, int count)
    {
        var max = beforeMs == long.MaxValue ? double.PositiveInfinity : beforeMs;
        var entries = layout.Shards == 1
            ? [.. (await RangeAsync(0, functionName, max, skip, count)).Select(e => (Shard: 0, Entry: e))]
            : await MergeAsync(functionName, max, skip, count);
        if (entries.Count == 0)
        {
            return [];
        }

        // One MGET per shard (a shard's keys share a slot), all sent before any is awaited.
        var reads = entries
            .Select((e, i) => (e.Shard, Index: i))
            .GroupBy(e => e.Shard)
            .Select(g => (Indexes: g.Select(e => e.Index).ToArray(),
                States: Database.StringGetAsync([.. g.Select(e => Key(g.Key, (string)entries[e.Index].Entry.Element!))])))
            .ToList();
        var page = new IndexedInvocation[entries.Count];
        foreach (var (indexes, states) in reads)
        {
            var values = await states;
            for (var j = 0; j < indexes.Length; j++)
            {
                var entry = entries[indexes[j]].Entry;
                byte[]? bytes = values[j];
                page[indexes[j]] = new IndexedInvocation((string)entry.Element!, (long)entry.Score, bytes is null ? null : InvocationStateCodec.Deserialize(serializer, bytes));
            }
        }

        return page;
    }

    private Task<SortedSetEntry[]> RangeAsync(int shard, string functionName, double max, int offset, int count) =>
        Database.SortedSetRangeByScoreWithScoresAsync(IndexKey(shard, functionName), double.NegativeInfinity, max, Exclude.None, Order.Descending, offset, count);

    private async Task<List<(int Shard, SortedSetEntry Entry)>> MergeAsync(string functionName, double max, int skip, int count)
    {
        var wanted = skip + count;
        // Request ids spread evenly over the shards, so each slice holds about its share of a page; a slice that runs
        // out of what it fetched before the page is full fetches more (twice as much each time).
        var batch = Math.Min(wanted, (wanted / layout.Shards) + 8);
        var slices = new Slice[layout.Shards];
        for (var shard = 0; shard < slices.Length; shard++)
        {
            slices[shard] = new Slice(batch);
        }

        var merged = new List<(int Shard, SortedSetEntry Entry)>(count);
        var passed = 0;
        while (passed < wanted)
        {
            var refills = new List<(Slice Slice, Task<SortedSetEntry[]> Range)>();
            for (var shard = 0; shard < slices.Length; shard++)
            {
                var slice = slices[shard];
                if (slice.Position == slice.Fetched.Length && !slice.Exhausted)
                {
                    refills.Add((slice, RangeAsync(shard, functionName, max, slice.Offset, slice.Batch)));
                }
            }

            foreach (var (slice, range) in refills)
            {
                slice.Take(await range);
            }

            var newest = -1;
            for (var shard = 0; shard < slices.Length; shard++)
            {
                if (slices[shard].Head is { } head && (newest < 0 || IsNewer(head, slices[newest].Head!.Value)))
                {
                    newest = shard;
                }
            }

            if (newest < 0)
            {
                break;
            }

            var taken = slices[newest].Fetched[slices[newest].Position++];
            if (passed++ >= skip)
            {
                merged.Add((newest, taken));
            }
        }

        return merged;
    }

    /// <summary>The merged order: received time descending, then request id descending (as ZRANGE … REV orders ties).</summary>
    private static bool IsNewer(SortedSetEntry a, SortedSetEntry b) =>
        a.Score != b.Score ? a.Score > b.Score : string.CompareOrdinal((string)a.Element!, (string)b.Element!) > 0;

    private sealed class Slice(int batch)
    {
        public SortedSetEntry[] Fetched { get; private set; } = [];

        public int Position { get; set; }

        public int Offset { get; private set; }

        public int Batch { get; private set; } = batch;

        public bool Exhausted { get; private set; }

        public SortedSetEntry? Head => Position < Fetched.Length ? Fetched[Position] : null;

        public void Take(SortedSetEntry[] range)
        {
            Exhausted = range.Length < Batch;
            Offset += range.Length;
            Fetched = range;
            Position = 0;
            Batch *= 2;
        }
    }
}
