using Orleans.Concurrency;

namespace Orleans.AsyncInvoke.Destinations;

/// <summary>
/// Delivers to one destination (key: the destination URI or ARN): it stores what it has not delivered yet,
/// retries with backoff while the target is down, and parks deliveries when the retry window closes. Nothing is
/// dropped silently.
/// </summary>
[Alias("AsyncInvoke.IDestinationGrain")]
public interface IDestinationGrain : IGrainWithStringKey
{
    /// <summary>Stores a message for delivery; a message id already seen is ignored.</summary>
    [Alias("Enqueue")]
    Task EnqueueAsync(DestinationMessage message);

    /// <summary>Pending and parked deliveries.</summary>
    [Alias("GetStatus"), AlwaysInterleave]
    Task<DestinationStatus> GetStatusAsync();

    /// <summary>Moves every parked delivery back to pending; returns how many.</summary>
    [Alias("Redrive")]
    Task<int> RedriveAsync();
}
