namespace Orleans.AsyncInvoke.Functions;

/// <summary>What a caller supplies to create or change a function; <c>null</c> members keep their current value.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.FunctionDefinitionInput")]
public sealed record FunctionDefinitionInput
{
    /// <summary>How the function runs; required when the function is created.</summary>
    [Id(0)] public string? Target { get; init; }

    /// <summary>Attempt timeout (1 s to 900 s; 3 s when the function is created without one).</summary>
    [Id(1)] public TimeSpan? Timeout { get; init; }

    /// <summary>Reserved concurrency; see <see cref="ClearReservedConcurrency"/> to remove it.</summary>
    [Id(2)] public int? ReservedConcurrency { get; init; }

    /// <summary>Removes the reserved concurrency (unlimited).</summary>
    [Id(3)] public bool ClearReservedConcurrency { get; init; }

    /// <summary>Environment variables; replaces the whole set when given.</summary>
    [Id(4)] public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>A free-text description.</summary>
    [Id(5)] public string? Description { get; init; }

    /// <summary>Dead-letter target; an empty string removes it.</summary>
    [Id(6)] public string? DeadLetterTarget { get; init; }

    /// <summary>The execution role (an IAM role ARN); kept and returned as sent. <c>null</c> keeps the current one.</summary>
    [Id(7)] public string? Role { get; init; }

    /// <summary>Tags to store with a function being created (Lambda's <c>CreateFunction</c> <c>Tags</c>); ignored on updates.</summary>
    [Id(8)] public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>The Lambda runtime of a zip-packaged function.</summary>
    [Id(9)] public string? Runtime { get; init; }

    /// <summary>The handler of a zip-packaged function.</summary>
    [Id(10)] public string? Handler { get; init; }

    /// <summary>Base64 SHA-256 of the zip package (stored in the code store under it).</summary>
    [Id(11)] public string? CodeSha256 { get; init; }

    /// <summary>Size of the zip package in bytes.</summary>
    [Id(12)] public long? CodeSize { get; init; }

    /// <summary>Memory size in MB.</summary>
    [Id(13)] public int? MemorySize { get; init; }

    /// <summary>The instruction set (<c>x86_64</c> or <c>arm64</c>); <c>null</c> keeps it.</summary>
    [Id(14)] public string? Architecture { get; init; }
}
