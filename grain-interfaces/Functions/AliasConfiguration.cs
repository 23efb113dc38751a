namespace Orleans.AsyncInvoke.Functions;

/// <summary>A named pointer to a function version.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.AliasConfiguration")]
public sealed record AliasConfiguration
{
    /// <summary>The alias name.</summary>
    [Id(0)] public required string Name { get; init; }

    /// <summary>The version it points at (<c>$LATEST</c> or a number).</summary>
    [Id(1)] public required string FunctionVersion { get; init; }

    /// <summary>A free-text description.</summary>
    [Id(2)] public string? Description { get; init; }

    /// <summary>Changes on every update.</summary>
    [Id(3)] public required string RevisionId { get; init; }

    /// <summary>
    /// Lambda's <c>RoutingConfig.AdditionalVersionWeights</c>: at most one other published version and the share of
    /// invocations (0 to 1) it receives; the rest run <see cref="FunctionVersion"/>. <c>null</c> or empty: no split.
    /// </summary>
    [Id(4)] public IReadOnlyDictionary<string, double>? AdditionalVersionWeights { get; init; }
}
