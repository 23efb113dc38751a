namespace Orleans.AsyncInvoke.Hosting;

/// <summary>A function defined in configuration (<c>AsyncInvoke:Functions:&lt;name&gt;</c>).</summary>
public sealed class FunctionOptions
{
    /// <summary>How the function runs: <c>dotnet:&lt;handler&gt;</c>, <c>http(s)://…</c> or <c>exec:&lt;command&gt;</c>.</summary>
    public string? Target { get; set; }

    /// <summary>Attempt timeout, 1 s to 15 min. Default 3 s.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Reserved concurrency; unset is unlimited, 0 sends every event straight to the failure path.</summary>
    public int? ReservedConcurrency { get; set; }

    /// <summary>Retries after a function error for <c>$LATEST</c>, 0 to 2.</summary>
    public int? MaximumRetryAttempts { get; set; }

    /// <summary>Maximum event age in seconds for <c>$LATEST</c>, 60 to 21600.</summary>
    public int? MaximumEventAgeInSeconds { get; set; }

    /// <summary>Success destination for <c>$LATEST</c>.</summary>
    public string? OnSuccess { get; set; }

    /// <summary>Failure destination for <c>$LATEST</c>.</summary>
    public string? OnFailure { get; set; }

    /// <summary>Dead-letter target.</summary>
    public string? DeadLetterTarget { get; set; }

    /// <summary>A free-text description.</summary>
    public string? Description { get; set; }

    /// <summary>Environment variables handed to the function.</summary>
    public Dictionary<string, string> Environment { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Whether any asynchronous setting is configured.</summary>
    internal bool HasEventInvokeConfig => MaximumRetryAttempts is not null || MaximumEventAgeInSeconds is not null
        || OnSuccess is not null || OnFailure is not null;
}
