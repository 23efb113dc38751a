namespace Orleans.AsyncInvoke.Execution;

/// <summary>
/// Enforces a function's reserved concurrency across the cluster (key: function name) with leases that expire on
/// their own, so an attempt lost with its silo does not hold a slot for ever.
/// </summary>
[Alias("AsyncInvoke.IConcurrencyLimiterGrain")]
public interface IConcurrencyLimiterGrain : IGrainWithStringKey
{
    /// <summary>Takes a slot for <paramref name="leaseId"/> if fewer than <paramref name="limit"/> are held.</summary>
    [Alias("TryAcquire")]
    Task<bool> TryAcquireAsync(string leaseId, int limit, TimeSpan leaseDuration);

    /// <summary>Gives a slot back.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string leaseId);

    /// <summary>Slots held now.</summary>
    [Alias("Count")]
    Task<int> CountAsync();
}
