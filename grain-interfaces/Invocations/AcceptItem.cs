namespace Orleans.AsyncInvoke.Invocations;

/// <summary>One event of a batch handed to <see cref="IInvocationIngressGrain"/>.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.AcceptItem")]
public sealed record AcceptItem
{
    /// <summary>The request id the invocation will have (the caller's, for idempotency, or a new one).</summary>
    [Id(0)] public required string RequestId { get; init; }

    /// <summary>The event.</summary>
    [Id(1)] public required InvocationRequest Request { get; init; }
}

/// <summary>What became of one <see cref="AcceptItem"/>: accepted (or found already accepted), or refused.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.AcceptOutcome")]
public sealed record AcceptOutcome
{
    /// <summary>The request id.</summary>
    [Id(0)] public required string RequestId { get; init; }

    /// <summary>The qualifier the event will run with, when accepted.</summary>
    [Id(1)] public string? Qualifier { get; init; }

    /// <summary>The Lambda error code, when refused.</summary>
    [Id(2)] public string? ErrorCode { get; init; }

    /// <summary>The error message, when refused.</summary>
    [Id(4)] public string? ErrorMessage { get; init; }

    /// <summary>Whether an invocation with this id already existed (nothing new was stored or started).</summary>
    [Id(5)] public bool Existed { get; init; }

    /// <summary>An accepted outcome.</summary>
    public static AcceptOutcome Accepted(string requestId, string qualifier, bool existed = false) =>
        new() { RequestId = requestId, Qualifier = qualifier, Existed = existed };

    /// <summary>A refusal carrying <paramref name="error"/>.</summary>
    public static AcceptOutcome Refused(string requestId, AsyncInvokeException error) =>
        new() { RequestId = requestId, ErrorCode = error.ErrorCode, ErrorMessage = error.Message };

    /// <summary>The qualifier, or the refusal as the exception it was.</summary>
    public string QualifierOrThrow() =>
        ErrorCode is null ? Qualifier ?? "" : throw new AsyncInvokeException(ErrorCode, ErrorMessage ?? ErrorCode);
}
