namespace Orleans.AsyncInvoke.Functions;

/// <summary>A function as the runtime stores it.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.FunctionDefinition")]
public sealed record FunctionDefinition
{
    /// <summary>The function name.</summary>
    [Id(0)] public required string Name { get; init; }

    /// <summary>How the function runs: <c>dotnet:&lt;handler&gt;</c>, <c>http(s)://…</c> or <c>exec:&lt;command&gt;</c>.</summary>
    [Id(1)] public required string Target { get; init; }

    /// <summary>How long one attempt may run (1 s to 900 s).</summary>
    [Id(2)] public required TimeSpan Timeout { get; init; }

    /// <summary>Reserved concurrency: the most attempts running at once across the cluster; <c>null</c> is unlimited.</summary>
    [Id(3)] public int? ReservedConcurrency { get; init; }

    /// <summary>Environment variables handed to the function.</summary>
    [Id(4)] public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>A free-text description.</summary>
    [Id(5)] public string? Description { get; init; }

    /// <summary>Where failed events go raw (a queue or topic ARN or URI); <c>null</c> for none.</summary>
    [Id(6)] public string? DeadLetterTarget { get; init; }

    /// <summary>When the definition last changed.</summary>
    [Id(7)] public DateTimeOffset LastModified { get; init; }

    /// <summary><c>$LATEST</c>, or the number of a published version.</summary>
    [Id(8)] public string Version { get; init; } = FunctionNames.Latest;

    /// <summary>Changes on every update; lets a caller detect concurrent changes.</summary>
    [Id(9)] public string RevisionId { get; init; } = "";

    /// <summary>The execution role the function was created or updated with (an IAM role ARN), as sent.</summary>
    [Id(10)] public string? Role { get; init; }

    /// <summary>The Lambda runtime of a zip-packaged function (<c>provided.al2023</c>, <c>nodejs22.x</c>, …); <c>null</c> for image targets.</summary>
    [Id(11)] public string? Runtime { get; init; }

    /// <summary>The handler of a zip-packaged function (<c>index.handler</c>; for <c>provided</c> runtimes whatever the bootstrap reads).</summary>
    [Id(12)] public string? Handler { get; init; }

    /// <summary>Base64 SHA-256 of the zip package, as Lambda reports it.</summary>
    [Id(13)] public string? CodeSha256 { get; init; }

    /// <summary>Size of the zip package in bytes.</summary>
    [Id(14)] public long CodeSize { get; init; }

    /// <summary>Memory size in MB (128 to 10240), passed to the runtime as <c>AWS_LAMBDA_FUNCTION_MEMORY_SIZE</c>.</summary>
    [Id(15)] public int MemorySize { get; init; } = 128;

    /// <summary>The instruction set the function is built for (<c>x86_64</c> or <c>arm64</c>), as Lambda's <c>Architectures</c>.</summary>
    [Id(16)] public string Architecture { get; init; } = "x86_64";

    /// <summary>Whether <paramref name="other"/> runs the same way (target, settings); ignores version bookkeeping.</summary>
    public bool SameBehaviourAs(FunctionDefinition other) =>
        Target == other.Target && Timeout == other.Timeout && Description == other.Description
        && DeadLetterTarget == other.DeadLetterTarget
        && Runtime == other.Runtime && Handler == other.Handler && MemorySize == other.MemorySize && Architecture == other.Architecture
        && Environment.Count == other.Environment.Count
        && Environment.All(e => other.Environment.TryGetValue(e.Key, out var v) && v == e.Value);
}
