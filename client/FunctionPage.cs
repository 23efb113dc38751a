using Orleans.AsyncInvoke.Functions;

namespace Orleans.AsyncInvoke.Client;

/// <summary>One page of functions.</summary>
public sealed class FunctionPage
{
    /// <summary>The functions on this page, by name.</summary>
    public required IReadOnlyList<FunctionDefinition> Functions { get; init; }

    /// <summary>The marker for the next page, or <c>null</c> on the last.</summary>
    public string? NextMarker { get; init; }
}
