using Orleans.AsyncInvoke.Destinations;

namespace Orleans.AsyncInvoke.Destinations.Callback;

/// <summary>The stored state of a <see cref="CallbackGrain"/>.</summary>
[GenerateSerializer]
[Alias("AsyncInvoke.CallbackState")]
public sealed class CallbackState
{
    [Id(0)] public CallbackRequest? Request { get; set; }
    [Id(1)] public string State { get; set; } = "Pending";
    [Id(2)] public int Attempts { get; set; }
    [Id(3)] public DateTimeOffset ScheduledAt { get; set; }
    [Id(4)] public DateTimeOffset NextAttemptAt { get; set; }
    [Id(5)] public string? LastError { get; set; }
}
