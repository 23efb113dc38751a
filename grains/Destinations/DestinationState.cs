namespace Orleans.AsyncInvoke.Destinations;

/// <summary>What earlier versions stored per destination (one blob); <see cref="DestinationGrain"/> moves it into the delivery store.</summary>
[GenerateSerializer]
[Alias("AsyncInvoke.DestinationState")]
public sealed class DestinationState
{
    [Id(0)] public List<PendingDelivery> Pending { get; set; } = [];
    [Id(1)] public List<PendingDelivery> Parked { get; set; } = [];

    /// <summary>Ids delivered recently, oldest first (bounded): a repeated hand-over is not delivered twice.</summary>
    [Id(2)] public List<string> Delivered { get; set; } = [];
    [Id(3)] public long DeliveryFailures { get; set; }
}

/// <summary>A message on its way.</summary>
[GenerateSerializer]
[Alias("AsyncInvoke.PendingDelivery")]
public sealed class PendingDelivery
{
    [Id(0)] public required DestinationMessage Message { get; set; }
    [Id(1)] public DateTimeOffset FirstAttemptAt { get; set; }
    [Id(2)] public DateTimeOffset NextAttemptAt { get; set; }
    [Id(3)] public int Attempts { get; set; }
    [Id(4)] public string? LastError { get; set; }
}
