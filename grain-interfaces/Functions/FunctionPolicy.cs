namespace Orleans.AsyncInvoke.Functions;

/// <summary>The resource-based policy of one qualifier of a function.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.FunctionPolicy")]
public sealed record FunctionPolicy
{
    /// <summary>The statements, in the order they were added.</summary>
    [Id(0)] public required IReadOnlyList<PermissionStatement> Statements { get; init; }

    /// <summary>The revision id of the qualifier (its version or alias), which every policy change renews.</summary>
    [Id(1)] public required string RevisionId { get; init; }
}
