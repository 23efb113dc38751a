namespace Orleans.AsyncInvoke.Invocations.Storage;

/// <summary>
/// A claim across shards that starves none: every shard is offered an equal share of the claim at once (the remainder
/// goes round the shards in turn), and what the shards without that much due leave over is offered again to those
/// that filled their share, until the claim is full or every shard ran out. A shard with a backlog takes what the
/// others leave; a shard with a little due is never kept waiting behind it.
/// </summary>
internal static class ShardedClaim
{
    public static async Task<List<T>> RunAsync<T>(RedisLayout layout, int max, int turn, Func<int, int, Task<IReadOnlyList<T>>> claim)
    {
        var claimed = new List<T>();
        var open = Enumerable.Range(0, layout.Shards).ToList();
        while (claimed.Count < max && open.Count > 0)
        {
            var left = max - claimed.Count;
            var shares = new int[open.Count];
            for (var i = 0; i < open.Count; i++)
            {
                shares[(turn + i) % open.Count] = (left / open.Count) + (i < left % open.Count ? 1 : 0);
            }

            var rounds = new List<(int Shard, int Share, Task<IReadOnlyList<T>> Claim)>(open.Count);
            // A shard offered nothing this round (fewer left than shards) stays open for the next.
            var full = new List<int>();
            for (var i = 0; i < open.Count; i++)
            {
                if (shares[i] > 0)
                {
                    rounds.Add((open[i], shares[i], claim(open[i], shares[i])));
                }
                else
                {
                    full.Add(open[i]);
                }
            }

            // Every shard's claim leaves before any is awaited: one round trip per round, whatever the shard count.
            // A shard that fails (its master failing over) is left out of this claim; the others' claims stand, since
            // they already moved their wake-ups a lease ahead. Only when every shard failed does the claim fail.
            Exception? failure = null;
            var answered = 0;
            foreach (var (shard, share, task) in rounds)
            {
                IReadOnlyList<T> got;
                try
                {
                    got = await task;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    failure ??= ex;
                    continue;
                }

                answered++;
                claimed.AddRange(got);
                if (got.Count == share)
                {
                    full.Add(shard);
                }
            }

            if (answered == 0 && failure is not null && claimed.Count == 0)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }

            open = full;
            turn++;
        }

        return claimed;
    }
}
