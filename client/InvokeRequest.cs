namespace Orleans.AsyncInvoke.Client;

/// <summary>An invocation as a caller describes it.</summary>
public sealed class InvokeRequest
{
    /// <summary>The function: a name, or <c>name:qualifier</c>.</summary>
    public required string FunctionName { get; init; }

    /// <summary>The qualifier, when not part of <see cref="FunctionName"/>; <c>$LATEST</c> by default.</summary>
    public string? Qualifier { get; init; }

    /// <summary>The event.</summary>
    public byte[] Payload { get; init; } = [];

    /// <summary>How to run it. Default <see cref="InvocationType.Event"/>.</summary>
    public InvocationType InvocationType { get; init; } = InvocationType.Event;

    /// <summary>
    /// A request id of the caller's choosing (1–128 printable characters). Sending the same id again returns the
    /// first invocation instead of starting a second one.
    /// </summary>
    public string? RequestId { get; init; }

    /// <summary>For <c>Event</c>: an HTTP URL that receives one POST of the result when the invocation is final.</summary>
    public string? CallbackUrl { get; init; }

    /// <summary>W3C trace context to continue.</summary>
    public string? TraceParent { get; init; }

    /// <summary>For <c>Event</c>: start no earlier than this long after the accept (0 to 365 days).</summary>
    public TimeSpan? InvokeAfter { get; init; }

    /// <summary>For <c>Event</c>: start no earlier than this moment (not in the past, at most 365 days ahead).</summary>
    public DateTimeOffset? InvokeAt { get; init; }

    /// <summary>For <c>Event</c>: this event's own <c>MaximumRetryAttempts</c> (0 to 2).</summary>
    public int? MaximumRetryAttempts { get; init; }

    /// <summary>For <c>Event</c>: this event's own <c>MaximumEventAgeInSeconds</c> (60 to 21600).</summary>
    public int? MaximumEventAgeInSeconds { get; init; }

    /// <summary>For <c>Event</c>: this event's own <c>OnSuccess</c> destination.</summary>
    public string? OnSuccess { get; init; }

    /// <summary>For <c>Event</c>: this event's own <c>OnFailure</c> destination.</summary>
    public string? OnFailure { get; init; }
}
