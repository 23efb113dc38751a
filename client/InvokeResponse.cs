namespace Orleans.AsyncInvoke.Client;

/// <summary>The answer to an invocation, shaped like Lambda's.</summary>
public sealed class InvokeResponse
{
    /// <summary>The request id.</summary>
    public required string RequestId { get; init; }

    /// <summary>202 for <c>Event</c>, 200 for <c>RequestResponse</c>, 204 for <c>DryRun</c>.</summary>
    public required int StatusCode { get; init; }

    /// <summary>The function's response, or its error body; empty for <c>Event</c> and <c>DryRun</c>.</summary>
    public byte[] Payload { get; init; } = [];

    /// <summary><c>Unhandled</c> when the function failed, otherwise <c>null</c>.</summary>
    public string? FunctionError { get; init; }

    /// <summary>The version that ran or will run.</summary>
    public string? ExecutedVersion { get; init; }
}
