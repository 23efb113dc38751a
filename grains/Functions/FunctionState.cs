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

    /// <summary>Published versions by number.</summary>
    [Id(2)] public SortedDictionary<int, FunctionDefinition> Versions { get; set; } = [];

    /// <summary>The number the next published version gets.</summary>
    [Id(3)] public int NextVersion { get; set; } = 1;

    /// <summary>Aliases by name.</summary>
    [Id(4)] public Dictionary<string, AliasConfiguration> Aliases { get; set; } = new(StringComparer.Ordinal);

    /// <summary><c>Terminate</c> or <c>Allow</c>.</summary>
    [Id(5)] public string RecursiveLoop { get; set; } = "Terminate";

    /// <summary>The function's tags.</summary>
    [Id(6)] public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Resource-based policy statements by qualifier (<c>$LATEST</c> for the unqualified function).</summary>
    [Id(7)] public Dictionary<string, List<PermissionStatement>> Policies { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Whether asynchronous processing is paused: events are accepted and kept, no attempt starts.</summary>
    [Id(8)] public bool AsyncPaused { get; set; }
}
