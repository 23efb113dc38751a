namespace Orleans.AsyncInvoke.Invocations;

/// <summary>The observable state of an asynchronous invocation.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.InvocationStatus")]
public sealed record InvocationStatus
{
    /// <summary>The request id, the same on every attempt and record.</summary>
    [Id(0)] public required string RequestId { get; init; }

    /// <summary>The function name.</summary>
    [Id(1)] public required string FunctionName { get; init; }

    /// <summary>The qualifier the event was sent to.</summary>
    [Id(2)] public required string Qualifier { get; init; }

    /// <summary>Where the invocation is.</summary>
    [Id(3)] public required InvocationPhase Phase { get; init; }

    /// <summary>Attempts made so far (throttles excluded).</summary>
    [Id(4)] public int AttemptCount { get; init; }

    /// <summary>Times the event was held back by throttling or a system error.</summary>
    [Id(5)] public int ThrottleCount { get; init; }

    /// <summary>When the event was accepted.</summary>
    [Id(6)] public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>When the next attempt is due, while one is.</summary>
    [Id(7)] public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>When the invocation became final.</summary>
    [Id(8)] public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The last error seen.</summary>
    [Id(9)] public ErrorInfo? LastError { get; init; }

    /// <summary>The record condition once final (see <see cref="InvocationCondition"/>).</summary>
    [Id(10)] public string? Condition { get; init; }

    /// <summary>The final invocation record (Lambda's JSON shape), once final.</summary>
    [Id(11)] public string? Record { get; init; }

    /// <summary>Every attempt and throttle, oldest first.</summary>
    [Id(12)] public IReadOnlyList<AttemptRecord> History { get; init; } = [];

    /// <summary>Whether a cancel was asked for while an attempt ran: the invocation ends <c>Cancelled</c> when it returns.</summary>
    [Id(13)] public bool CancelRequested { get; init; }

    /// <summary>When the invocation was last sent round again by a retry (redrive), if ever.</summary>
    [Id(14)] public DateTimeOffset? RedrivenAt { get; init; }

    /// <summary>The start of the payload as text (at most <see cref="PreviewBytes"/> bytes, cut on a character), for a person to read.</summary>
    [Id(15)] public string? PayloadPreview { get; init; }

    /// <summary>The payload's whole size in bytes.</summary>
    [Id(16)] public int PayloadBytes { get; init; }

    /// <summary>The W3C <c>traceparent</c> the invocation's spans belong to, when it was traced.</summary>
    [Id(17)] public string? TraceParent { get; init; }

    /// <summary>How much of the payload <see cref="PayloadPreview"/> shows.</summary>
    public const int PreviewBytes = 4096;

    /// <summary>The first <see cref="PreviewBytes"/> bytes of a payload as UTF-8 text, never cutting a character in two.</summary>
    public static string Preview(ReadOnlySpan<byte> payload)
    {
        var length = Math.Min(payload.Length, PreviewBytes);
        // Step back over continuation bytes (10xxxxxx) so the cut falls between characters.
        while (length < payload.Length && length > 0 && (payload[length] & 0xC0) == 0x80)
        {
            length--;
        }

        return System.Text.Encoding.UTF8.GetString(payload[..length]);
    }

    /// <summary>Whether the invocation has ended.</summary>
    public bool IsFinal => Phase is InvocationPhase.Succeeded or InvocationPhase.Failed or InvocationPhase.Cancelled;
}
