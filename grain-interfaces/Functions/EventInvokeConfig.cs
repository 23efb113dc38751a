namespace Orleans.AsyncInvoke.Functions;

/// <summary>
/// Error handling and destinations for asynchronous invocations of one function qualifier. Unset numbers stay
/// <c>null</c> (they are omitted on the wire); the runtime applies Lambda's defaults when it runs an event.
/// </summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.EventInvokeConfig")]
public sealed record EventInvokeConfig
{
    /// <summary>The qualified function ARN the configuration belongs to.</summary>
    [Id(0)] public required string FunctionArn { get; init; }

    /// <summary>The qualifier (<c>$LATEST</c>, a version or an alias).</summary>
    [Id(1)] public required string Qualifier { get; init; }

    /// <summary>Retries after a function error (0 to 2); <c>null</c> means the default, 2.</summary>
    [Id(2)] public int? MaximumRetryAttempts { get; init; }

    /// <summary>Oldest an event may get before it is dropped to the failure path (60 to 21600 s); <c>null</c> means 21600.</summary>
    [Id(3)] public int? MaximumEventAgeInSeconds { get; init; }

    /// <summary>Destination for successful invocations, or <c>null</c>.</summary>
    [Id(4)] public string? OnSuccess { get; init; }

    /// <summary>Destination for failed invocations, or <c>null</c>.</summary>
    [Id(5)] public string? OnFailure { get; init; }

    /// <summary>When the configuration last changed.</summary>
    [Id(6)] public DateTimeOffset LastModified { get; init; }
}
