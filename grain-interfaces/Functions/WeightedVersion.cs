namespace Orleans.AsyncInvoke.Functions;

/// <summary>The second version of an alias with a routing configuration, and the share of invocations it receives.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.WeightedVersion")]
public sealed record WeightedVersion
{
    /// <summary>The definition of the additional version.</summary>
    [Id(0)] public required FunctionDefinition Definition { get; init; }

    /// <summary>The share of invocations the additional version runs, 0 to 1.</summary>
    [Id(1)] public required double Weight { get; init; }

    /// <summary>The function ARN qualified with the additional version.</summary>
    [Id(2)] public required string FunctionArn { get; init; }

    /// <summary>The function ARN qualified with the alias's main version.</summary>
    [Id(3)] public required string PrimaryFunctionArn { get; init; }
}
