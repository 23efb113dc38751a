namespace Orleans.AsyncInvoke.Functions;

/// <summary>What an invocation needs to run one attempt: the definition and the effective asynchronous settings.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.ResolvedFunction")]
public sealed record ResolvedFunction
{
    /// <summary>The function definition.</summary>
    [Id(0)] public required FunctionDefinition Definition { get; init; }

    /// <summary>The qualifier asked for.</summary>
    [Id(1)] public required string Qualifier { get; init; }

    /// <summary>The version that runs (<c>$LATEST</c> or a number).</summary>
    [Id(2)] public required string ExecutedVersion { get; init; }

    /// <summary>The qualified function ARN.</summary>
    [Id(3)] public required string FunctionArn { get; init; }

    /// <summary>The event-invoke-config of the qualifier, or <c>null</c> when none is set.</summary>
    [Id(4)] public EventInvokeConfig? Config { get; init; }

    /// <summary><c>Terminate</c> (default) or <c>Allow</c>: what happens to an event caught in a recursive loop.</summary>
    [Id(5)] public string RecursiveLoop { get; init; } = "Terminate";

    /// <summary>Retries after a function error, with Lambda's default of 2.</summary>
    public int MaximumRetryAttempts => Config?.MaximumRetryAttempts ?? 2;

    /// <summary>Maximum event age, with Lambda's default of 6 hours.</summary>
    public TimeSpan MaximumEventAge => TimeSpan.FromSeconds(Config?.MaximumEventAgeInSeconds ?? 21600);
}
