namespace Orleans.AsyncInvoke.Execution;

/// <summary>What a synchronous invocation asks for beyond its event: Lambda's <c>ClientContext</c> and <c>LogType</c>.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.SyncInvocationOptions")]
public sealed record SyncInvocationOptions
{
    /// <summary>The request id to run under, or <c>null</c> for a new one.</summary>
    [Id(0)] public string? RequestId { get; init; }

    /// <summary>The client context JSON (decoded from <c>X-Amz-Client-Context</c>) the function sees, if any.</summary>
    [Id(1)] public string? ClientContext { get; init; }

    /// <summary>Whether to return the last 4 KB of the invocation's log (<c>LogType: Tail</c>).</summary>
    [Id(2)] public bool TailLog { get; init; }
}
