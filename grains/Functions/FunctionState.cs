namespace Orleans.AsyncInvoke.Functions;

/// <summary>The stored state of a <see cref="FunctionGrain"/>.</summary>
[GenerateSerializer]
[Alias("AsyncInvoke.FunctionState")]
public sealed class FunctionState
{
    /// <summary>The definition; <c>null</c> when the function does not exist.</summary>
    [Id(0)] public FunctionDefinition? Definition { get; set; }

    /// <summary>Event-invoke-configs by qualifier.</summary>
    [Id(1)] public Dictionary<string, EventInvokeConfig> EventInvokeConfigs { get; set; } = new(StringComparer.Ordinal);
}
