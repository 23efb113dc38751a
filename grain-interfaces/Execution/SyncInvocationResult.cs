namespace Orleans.AsyncInvoke.Execution;

/// <summary>The answer of a synchronous (<c>RequestResponse</c>) invocation.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.SyncInvocationResult")]
public sealed record SyncInvocationResult
{
    /// <summary>The request id of the invocation.</summary>
    [Id(0)] public required string RequestId { get; init; }

    /// <summary>The response payload, or the error payload (<c>{"errorMessage","errorType"}</c>) on a function error.</summary>
    [Id(1)] public required byte[] Payload { get; init; }

    /// <summary><c>Unhandled</c> on a function error, otherwise <c>null</c>.</summary>
    [Id(2)] public string? FunctionError { get; init; }

    /// <summary>The version that ran.</summary>
    [Id(3)] public required string ExecutedVersion { get; init; }

    /// <summary>The last 4 KB of the invocation's log, base64 (<c>X-Amz-Log-Result</c>), when the tail was asked for.</summary>
    [Id(4)] public string? LogResult { get; init; }
}
