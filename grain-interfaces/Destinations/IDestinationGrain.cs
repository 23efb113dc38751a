using Orleans.Concurrency;

namespace Orleans.AsyncInvoke.Destinations;

/// <summary>
/// One destination (key: any spelling of its URI or ARN; all spellings of one target answer alike): what is pending,
/// what is parked, and redrive. What it has not delivered yet is stored, retried with backoff while the target is
/// down, and parked when the retry window closes. Nothing is dropped silently.
/// </summary>
[Alias("AsyncInvoke.IDestinationGrain")]
public interface IDestinationGrain : IGrainWithStringKey
{
    /// <summary>Stores a message for delivery; a message id still stored (pending or parked) is ignored.</summary>
    [Alias("Enqueue")]
    Task EnqueueAsync(DestinationMessage message);

    /// <summary>Pending and parked counts, failures, and the first page of parked deliveries.</summary>
    [Alias("GetStatus"), AlwaysInterleave]
    Task<DestinationStatus> GetStatusAsync();

    /// <summary>Parked deliveries from <paramref name="offset"/>, oldest first (<paramref name="limit"/> 1-1000).</summary>
    [Alias("ListParked"), AlwaysInterleave]
    Task<IReadOnlyList<ParkedDelivery>> ListParkedAsync(int offset, int limit);

    /// <summary>Moves every parked delivery back to pending; returns how many.</summary>
    [Alias("Redrive")]
    Task<int> RedriveAsync();
}
