namespace Orleans.AsyncInvoke.Destinations;

/// <summary>
/// One message on its way to one destination: stored as its own entry (never inside a per-destination blob), so
/// appending, delivering, retrying and acknowledging it each cost the same whatever the backlog.
/// </summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.Delivery")]
public sealed record Delivery
{
    /// <summary>The destination's canonical key (<see cref="DestinationAddress.Key"/>).</summary>
    [Id(0)] public required string Destination { get; init; }

    /// <summary>What to deliver, already in the destination's record format.</summary>
    [Id(1)] public required DestinationMessage Message { get; init; }

    /// <summary>When the delivery was first due: the retry window runs from here.</summary>
    [Id(2)] public DateTimeOffset FirstAttemptAt { get; init; }

    /// <summary>Failed attempts so far.</summary>
    [Id(3)] public int Attempts { get; init; }

    /// <summary>Why the last attempt failed.</summary>
    [Id(4)] public string? LastError { get; init; }

    /// <summary>The entry's id: the message id within its destination; a second append of the same id is ignored.</summary>
    public string Id => $"{Message.Id}|{Destination}";

    /// <summary>
    /// A delivery of <paramref name="message"/> to the destination spelled <paramref name="destination"/> (any
    /// spelling): keyed by the canonical target, with the body in the record shape the spelling asks for.
    /// </summary>
    /// <returns><c>null</c> when <paramref name="destination"/> names no supported target.</returns>
    public static Delivery? To(string destination, DestinationMessage message, DateTimeOffset now)
    {
        if (DestinationAddress.TryParse(destination) is not { } address)
        {
            return null;
        }

        var body = RecordFormats.WantsFunctionGraph(destination) && !message.Id.EndsWith(DestinationMessage.DeadLetterSuffix, StringComparison.Ordinal)
            ? RecordFormats.ToFunctionGraph(message.Body)
            : message.Body;
        return new Delivery
        {
            Destination = address.Key,
            Message = ReferenceEquals(body, message.Body) ? message : message with { Body = body },
            FirstAttemptAt = now,
        };
    }
}

/// <summary>The counters of one destination.</summary>
/// <param name="Pending">Stored and not yet delivered or parked (in flight or backing off).</param>
/// <param name="Parked">Given up after the retry window, kept for redrive.</param>
/// <param name="DeliveryFailures">Failed attempts so far.</param>
public readonly record struct DeliveryCounters(long Pending, long Parked, long DeliveryFailures);
