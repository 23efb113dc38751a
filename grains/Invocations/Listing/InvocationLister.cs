using System.Globalization;
using System.Text;
using Orleans.AsyncInvoke.Invocations.Storage;

namespace Orleans.AsyncInvoke.Invocations.Listing;

/// <summary>
/// Pages through a function's listing index, newest first. The cursor is the position in the index (received time,
/// and how many entries of that very millisecond were passed), so a page costs one index range and one read of the
/// states it shows, whatever the index holds. A phase filter is applied to those states; a page examines at most
/// <see cref="ScanBudget"/> entries and then returns what it found with a token to go on.
/// </summary>
public sealed class InvocationLister(IInvocationStore store)
{
    /// <summary>The most entries one page examines.</summary>
    public const int ScanBudget = 5000;

    /// <summary>The largest page.</summary>
    public const int MaxLimit = 1000;

    public async Task<InvocationPage> ListAsync(InvocationQuery query)
    {
        if (query.Limit is < 1 or > MaxLimit)
        {
            throw ErrorCodes.ValidationFailed([$"Value '{query.Limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and {MaxLimit}"]);
        }

        var (before, skip) = query.Next is null ? (long.MaxValue, 0) : Decode(query.Next);
        var since = query.Since?.ToUnixTimeMilliseconds() ?? long.MinValue;
        var items = new List<InvocationSummary>(query.Limit);
        var examined = 0;
        while (items.Count < query.Limit && examined < ScanBudget)
        {
            var want = query.Phase is null ? query.Limit - items.Count : Math.Min(ScanBudget - examined, Math.Max(2 * query.Limit, 100));
            var batch = await store.ListAsync(query.FunctionName, before, skip, want);
            foreach (var entry in batch)
            {
                if (entry.ReceivedAtMs < since)
                {
                    return new InvocationPage { Items = items };
                }

                (before, skip) = entry.ReceivedAtMs == before ? (before, skip + 1) : (entry.ReceivedAtMs, 1);
                examined++;
                if (entry.State is { } state && (query.Phase is null || state.Phase == query.Phase))
                {
                    items.Add(Summary(entry.RequestId, state));
                    if (items.Count == query.Limit)
                    {
                        break;
                    }
                }
            }

            if (batch.Count < want && items.Count < query.Limit)
            {
                // The index ran out before the page filled: this is the last page.
                return new InvocationPage { Items = items };
            }
        }

        return new InvocationPage { Items = items, Next = Encode(before, skip) };
    }

    private static InvocationSummary Summary(string requestId, InvocationState state) => new()
    {
        RequestId = requestId,
        FunctionName = state.FunctionName,
        Qualifier = state.Qualifier,
        Phase = state.Phase,
        AttemptCount = state.AttemptCount,
        ReceivedAt = state.ReceivedAt,
        NextAttemptAt = state.NextAttemptAt,
        CompletedAt = state.CompletedAt,
        Condition = state.Condition,
    };

    private static string Encode(long before, int skip) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{before}:{skip}"))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (long Before, int Skip) Decode(string token)
    {
        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var parts = Encoding.ASCII.GetString(Convert.FromBase64String(padded)).Split(':');
            if (parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var before)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var skip))
            {
                return (before, skip);
            }
        }
        catch (FormatException)
        {
        }

        throw ErrorCodes.ValidationFailed(["Value at 'next' failed to satisfy constraint: Member must be a token returned by a previous page"]);
    }
}
