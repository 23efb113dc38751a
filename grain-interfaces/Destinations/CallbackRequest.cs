namespace Orleans.AsyncInvoke.Destinations;

/// <summary>One result to POST to a caller's callback URL.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.CallbackRequest")]
public sealed record CallbackRequest
{
    /// <summary>The URL to POST to.</summary>
    [Id(0)] public required string Url { get; init; }

    /// <summary>The body: the function's response, or its error.</summary>
    [Id(1)] public required byte[] Body { get; init; }

    /// <summary>Headers to send (<c>X-Call-Id</c>, <c>X-Function-Status</c>, …).</summary>
    [Id(2)] public required IReadOnlyDictionary<string, string> Headers { get; init; }
}
