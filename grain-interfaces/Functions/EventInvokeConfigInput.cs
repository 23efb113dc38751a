namespace Orleans.AsyncInvoke.Functions;

/// <summary>The settings of a Put (overwrite) or Update (merge) of an event-invoke-config.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.EventInvokeConfigInput")]
public sealed record EventInvokeConfigInput
{
    /// <summary>Retries after a function error (0 to 2).</summary>
    [Id(0)] public int? MaximumRetryAttempts { get; init; }

    /// <summary>Maximum event age in seconds (60 to 21600).</summary>
    [Id(1)] public int? MaximumEventAgeInSeconds { get; init; }

    /// <summary>Destination for successful invocations. On Update, an empty string removes it.</summary>
    [Id(2)] public string? OnSuccess { get; init; }

    /// <summary>Destination for failed invocations. On Update, an empty string removes it.</summary>
    [Id(3)] public string? OnFailure { get; init; }

    /// <summary>Whether a destination configuration was sent at all (an empty one still counts as a setting).</summary>
    [Id(4)] public bool HasDestinationConfig { get; init; }

    /// <summary>Whether the input carries any setting; Lambda refuses a Put or Update without one.</summary>
    public bool IsEmpty => MaximumRetryAttempts is null && MaximumEventAgeInSeconds is null && !HasDestinationConfig
        && OnSuccess is null && OnFailure is null;
}
