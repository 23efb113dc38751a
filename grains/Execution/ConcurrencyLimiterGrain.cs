namespace Orleans.AsyncInvoke.Execution;

/// <summary>
/// Holds the running attempts of one function. Leases live in memory: if this activation is lost with its silo,
/// the count restarts from zero and the attempts in flight finish unthrottled, which is the safe direction for a
/// concurrency cap (it never blocks an event for ever).
/// </summary>
[GrainType("asyncinvoke-concurrency")]
public sealed class ConcurrencyLimiterGrain(TimeProvider time) : Grain, IConcurrencyLimiterGrain
{
    private readonly Dictionary<string, DateTimeOffset> _leases = new(StringComparer.Ordinal);

    public Task<bool> TryAcquireAsync(string leaseId, int limit, TimeSpan leaseDuration)
    {
        var now = time.GetUtcNow();
        Purge(now);
        if (_leases.ContainsKey(leaseId) || _leases.Count < limit)
        {
            _leases[leaseId] = now + leaseDuration;
            return Task.FromResult(true);
        }

        return Task.FromResult(false);
    }

    public Task ReleaseAsync(string leaseId)
    {
        _leases.Remove(leaseId);
        return Task.CompletedTask;
    }

    public Task<int> CountAsync()
    {
        Purge(time.GetUtcNow());
        return Task.FromResult(_leases.Count);
    }

    private void Purge(DateTimeOffset now)
    {
        foreach (var (id, expiry) in _leases)
        {
            if (expiry <= now)
            {
                _leases.Remove(id);
            }
        }
    }
}
