namespace Orleans.AsyncInvoke.Invocations;

/// <summary>The stored state of an <see cref="InvocationGrain"/>. Ids are part of the storage format: never renumber.</summary>
[GenerateSerializer]
[Alias("AsyncInvoke.InvocationState")]
public sealed class InvocationState
{
    [Id(0)] public string FunctionName { get; set; } = "";
    [Id(1)] public string Qualifier { get; set; } = "";
    [Id(2)] public byte[] Payload { get; set; } = [];
    [Id(3)] public DateTimeOffset ReceivedAt { get; set; }
    [Id(4)] public InvocationPhase Phase { get; set; }
    [Id(5)] public int AttemptCount { get; set; }
    [Id(6)] public int ThrottleCount { get; set; }
    [Id(7)] public DateTimeOffset? NextAttemptAt { get; set; }
    [Id(8)] public ErrorInfo? LastError { get; set; }
    [Id(9)] public string? Condition { get; set; }
    [Id(10)] public string? Record { get; set; }
    [Id(11)] public DateTimeOffset? CompletedAt { get; set; }
    [Id(12)] public DateTimeOffset? RetainUntil { get; set; }
    [Id(13)] public List<AttemptRecord> History { get; set; } = [];
    [Id(14)] public string? TraceParent { get; set; }

    /// <summary>The phase the invocation was in before its current attempt started (restored if the attempt is lost).</summary>
    [Id(15)] public InvocationPhase PhaseBeforeAttempt { get; set; }

    /// <summary>Where the result is POSTed when the invocation is final, if anywhere.</summary>
    [Id(16)] public string? CallbackUrl { get; set; }

    /// <summary>The final response (or error) payload, kept for the callback.</summary>
    [Id(17)] public byte[]? ResponsePayload { get; set; }

    /// <summary>Whether the record still has to be handed to its destinations (a hand-off failed and is retried).</summary>
    [Id(18)] public bool HandOffPending { get; set; }

    /// <summary>Invocations before this one in a chain of function destinations.</summary>
    [Id(19)] public int ChainDepth { get; set; }

    /// <summary>The version a weighted alias routed this event to, so every attempt runs it; <c>null</c> without a split.</summary>
    [Id(20)] public string? RoutedVersion { get; set; }

    /// <summary>When the event's age is counted from: the accept, the delayed start, or the last redrive.</summary>
    [Id(21)] public DateTimeOffset? AgeFrom { get; set; }

    /// <summary>Attempts made before the last redrive: the retry budget counts only the ones after it.</summary>
    [Id(22)] public int RetryBase { get; set; }

    /// <summary>Throttles before the last redrive: the backoff starts again from its first step after one.</summary>
    [Id(23)] public int ThrottleBase { get; set; }

    /// <summary>A cancel asked for while an attempt ran; the invocation ends <c>Cancelled</c> when the attempt returns.</summary>
    [Id(24)] public bool CancelRequested { get; set; }

    /// <summary>Whether that cancel sends the failure record to <c>OnFailure</c> and the event to the dead-letter queue.</summary>
    [Id(25)] public bool CancelNotifies { get; set; }

    /// <summary>When the invocation was last redriven, if ever.</summary>
    [Id(26)] public DateTimeOffset? RedrivenAt { get; set; }

    /// <summary>This event's own settings over the event-invoke-config's (per-call overrides); <c>null</c> without any.</summary>
    [Id(27)] public InvocationOverrides? Overrides { get; set; }

    /// <summary>
    /// The size of the payload when it was left out at the end (a succeeded invocation keeps its outcome, not its
    /// payloads, unless <see cref="Hosting.AsyncInvokeOptions.KeepSucceededPayloads"/>); <c>null</c> while it is kept.
    /// </summary>
    [Id(28)] public int? PayloadBytesLeftOut { get; set; }

    /// <summary>
    /// The qualifier of the function ARN in the record, kept instead of the record text when the payloads were left out:
    /// the record is written again from the state when read.
    /// </summary>
    [Id(29)] public string? RecordQualifier { get; set; }

    /// <summary>The version that ran the last attempt, kept with <see cref="RecordQualifier"/> for the record.</summary>
    [Id(30)] public string? ExecutedVersion { get; set; }

    /// <summary>
    /// Until when the silo that accepted the event runs its first attempt from memory, outside the invocation grain
    /// (the stored wake-up is then, and fires only if that silo is lost); <c>null</c> once any attempt began here.
    /// </summary>
    [Id(31)] public DateTimeOffset? FirstAttemptUntil { get; set; }

    public bool IsFinal => Phase is InvocationPhase.Succeeded or InvocationPhase.Failed or InvocationPhase.Cancelled;

    /// <summary>The moment the event's age is measured from.</summary>
    public DateTimeOffset AgeOrigin => AgeFrom ?? ReceivedAt;

    /// <summary>
    /// The state of a freshly accepted event. <paramref name="accepted"/> names the resolved function and qualifier
    /// and carries the trace context of the accept: the accept path stores this, and the grain it starts rebuilds the
    /// same state from the same request instead of reading it back.
    /// </summary>
    public static InvocationState Accepted(InvocationRequest accepted, DateTimeOffset receivedAt, string? routedVersion = null) => new()
    {
        FunctionName = accepted.FunctionName,
        Qualifier = accepted.Qualifier ?? "",
        Payload = accepted.Payload,
        ReceivedAt = receivedAt,
        Phase = InvocationPhase.Pending,
        // The ingress turned a delay into InvokeAt; a delayed event's age counts from when it is due to start.
        NextAttemptAt = accepted.InvokeAt ?? receivedAt,
        AgeFrom = accepted.InvokeAt,
        Overrides = InvocationOverrides.Of(accepted),
        TraceParent = accepted.TraceParent,
        CallbackUrl = accepted.CallbackUrl,
        ChainDepth = accepted.ChainDepth,
        RoutedVersion = routedVersion,
    };

    /// <summary>The status as callers read it; <paramref name="arns"/> writes the record of a state that kept no record text.</summary>
    public InvocationStatus ToStatus(string requestId, Functions.FunctionArns arns) => new()
    {
        RequestId = requestId,
        FunctionName = FunctionName,
        Qualifier = Qualifier,
        Phase = Phase,
        AttemptCount = AttemptCount,
        ThrottleCount = ThrottleCount,
        ReceivedAt = ReceivedAt,
        NextAttemptAt = NextAttemptAt,
        CompletedAt = CompletedAt,
        LastError = LastError,
        Condition = Condition,
        Record = Record ?? RecordLeftOutPayloads(requestId, arns),
        History = [.. History],
        CancelRequested = CancelRequested,
        RedrivenAt = RedrivenAt,
        PayloadPreview = PayloadBytesLeftOut is null ? InvocationStatus.Preview(Payload) : null,
        PayloadBytes = PayloadBytesLeftOut ?? Payload.Length,
        TraceParent = TraceParent,
    };

    /// <summary>The record of an invocation that left its payloads out, written again from what it kept.</summary>
    private string? RecordLeftOutPayloads(string requestId, Functions.FunctionArns arns) =>
        RecordQualifier is null || Condition is null || CompletedAt is not { } completedAt
            ? null
            : InvocationRecordBuilder.Build(new InvocationRecordBuilder.Input(
                requestId,
                arns.Qualified(FunctionName, RecordQualifier),
                Condition,
                AttemptCount,
                completedAt,
                [],
                ExecutedVersion ?? Functions.FunctionNames.Latest,
                null,
                FunctionError: false,
                PayloadsLeftOut: true));
}
