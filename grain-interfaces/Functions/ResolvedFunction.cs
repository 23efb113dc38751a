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

    /// <summary>
    /// The second version of a weighted alias while the invocation is not routed yet (see <see cref="Route"/>);
    /// <c>null</c> for every other qualifier and once routed.
    /// </summary>
    [Id(6)] public WeightedVersion? AdditionalVersion { get; init; }

    /// <summary>
    /// Whether this is one side of a weighted alias, chosen by <see cref="Route"/>: <see cref="ExecutedVersion"/> names
    /// the version that runs and <see cref="FunctionArn"/> is qualified with it, so the record tells which side ran.
    /// </summary>
    [Id(7)] public bool Routed { get; init; }

    /// <summary>Whether the function's asynchronous processing is paused: accepts go on, no attempt starts.</summary>
    [Id(8)] public bool AsyncPaused { get; init; }

    /// <summary>The version a weighted alias routed this invocation to, or <c>null</c> when there was no split.</summary>
    public string? RoutedVersion => Routed ? ExecutedVersion : null;

    /// <summary>Retries after a function error, with Lambda's default of 2.</summary>
    public int MaximumRetryAttempts => Config?.MaximumRetryAttempts ?? 2;

    /// <summary>Maximum event age, with Lambda's default of 6 hours.</summary>
    public TimeSpan MaximumEventAge => TimeSpan.FromSeconds(Config?.MaximumEventAgeInSeconds ?? 21600);

    /// <summary>
    /// Chooses the side of a weighted alias that runs: the additional version when <paramref name="draw"/> (uniform in
    /// [0, 1)) is below its weight, the main version otherwise. Anything else is returned unchanged.
    /// </summary>
    public ResolvedFunction Route(double draw) => AdditionalVersion switch
    {
        null => this,
        { } extra when draw < extra.Weight => RunAs(extra.Definition, extra.FunctionArn),
        { } extra => RunAs(Definition, extra.PrimaryFunctionArn),
    };

    /// <summary>
    /// The side of a weighted alias an earlier draw chose (<paramref name="routedVersion"/>), so every attempt of an
    /// event runs the version it was routed to; <c>null</c> when that version is no longer one of the alias's two (the
    /// caller routes again). Without a split the resolution is returned unchanged: the event follows the alias.
    /// </summary>
    public ResolvedFunction? Pin(string? routedVersion) => AdditionalVersion switch
    {
        null => this,
        _ when routedVersion is null => null,
        { } extra when routedVersion == extra.Definition.Version => RunAs(extra.Definition, extra.FunctionArn),
        { } extra when routedVersion == Definition.Version => RunAs(Definition, extra.PrimaryFunctionArn),
        _ => null,
    };

    // Reserved concurrency belongs to the function, not to a version: the side that runs keeps the function's.
    private ResolvedFunction RunAs(FunctionDefinition definition, string functionArn) => this with
    {
        Definition = definition with { ReservedConcurrency = Definition.ReservedConcurrency },
        ExecutedVersion = definition.Version,
        FunctionArn = functionArn,
        AdditionalVersion = null,
        Routed = true,
    };
}
