namespace Orleans.AsyncInvoke.Functions;

/// <summary>One page of a function's event-invoke-configs.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.EventInvokeConfigPage")]
public sealed record EventInvokeConfigPage
{
    /// <summary>The configurations on this page, ordered by qualifier.</summary>
    [Id(0)] public required IReadOnlyList<EventInvokeConfig> Items { get; init; }

    /// <summary>The marker for the next page, or <c>null</c> on the last page.</summary>
    [Id(1)] public string? NextMarker { get; init; }
}
