namespace Orleans.AsyncInvoke.Execution;

/// <summary>What a function sees of one attempt.</summary>
public sealed class FunctionContext
{
    /// <summary>The request id, the same on every attempt.</summary>
    public required string RequestId { get; init; }

    /// <summary>The function name.</summary>
    public required string FunctionName { get; init; }

    /// <summary>The version that runs.</summary>
    public required string ExecutedVersion { get; init; }

    /// <summary>The attempt number, from 1.</summary>
    public required int Attempt { get; init; }

    /// <summary>The event.</summary>
    public required byte[] Payload { get; init; }

    /// <summary>When the attempt times out.</summary>
    public required DateTimeOffset Deadline { get; init; }

    /// <summary>The function's environment variables.</summary>
    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    /// <summary>The W3C trace context of the invocation, if any.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The clock to use for waits, so that tests can drive it.</summary>
    public required TimeProvider Time { get; init; }
}
