namespace Orleans.AsyncInvoke.Functions;

/// <summary>The stored state of the <see cref="FunctionRegistryGrain"/>.</summary>
[GenerateSerializer]
[Alias("AsyncInvoke.FunctionRegistryState")]
public sealed class FunctionRegistryState
{
    /// <summary>Every function name.</summary>
    [Id(0)] public SortedSet<string> Names { get; set; } = new(StringComparer.Ordinal);
}
