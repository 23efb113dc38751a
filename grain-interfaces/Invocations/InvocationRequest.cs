namespace Orleans.AsyncInvoke.Invocations;

/// <summary>An asynchronous invocation as a caller hands it over.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.InvocationRequest")]
public sealed record InvocationRequest
{
    /// <summary>The function name.</summary>
    [Id(0)] public required string FunctionName { get; init; }

    /// <summary>The qualifier; <c>null</c> means <c>$LATEST</c>.</summary>
    [Id(1)] public string? Qualifier { get; init; }

    /// <summary>The event, as sent.</summary>
    [Id(2)] public required byte[] Payload { get; init; }

    /// <summary>W3C trace context of the caller, so every attempt continues its trace.</summary>
    [Id(3)] public string? TraceParent { get; init; }

    /// <summary>An HTTP URL that receives one POST of the result when the invocation is final (OpenFaaS <c>X-Callback-Url</c>).</summary>
    [Id(4)] public string? CallbackUrl { get; init; }

    /// <summary>How many invocations came before this one in a chain of function destinations (0 for a direct call).</summary>
    [Id(5)] public int ChainDepth { get; init; }

    /// <summary>Starts the first attempt no earlier than this long after the accept (0 to 365 days); exclusive with <see cref="InvokeAt"/>.</summary>
    [Id(6)] public TimeSpan? InvokeAfter { get; init; }

    /// <summary>Starts the first attempt no earlier than this moment (not in the past, at most 365 days ahead).</summary>
    [Id(7)] public DateTimeOffset? InvokeAt { get; init; }

    /// <summary>This event's own <c>MaximumRetryAttempts</c> (0 to 2), over the event-invoke-config's.</summary>
    [Id(8)] public int? MaximumRetryAttempts { get; init; }

    /// <summary>This event's own <c>MaximumEventAgeInSeconds</c> (60 to 21600), over the event-invoke-config's.</summary>
    [Id(9)] public int? MaximumEventAgeInSeconds { get; init; }

    /// <summary>This event's own <c>OnSuccess</c> destination, over the event-invoke-config's.</summary>
    [Id(10)] public string? OnSuccess { get; init; }

    /// <summary>This event's own <c>OnFailure</c> destination, over the event-invoke-config's.</summary>
    [Id(11)] public string? OnFailure { get; init; }
}
