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
}
