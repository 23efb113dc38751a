namespace Orleans.AsyncInvoke.Benchmarks;

/// <summary>The command line of the benchmark; <c>null</c> from <see cref="Parse"/> means print the usage.</summary>
/// <param name="Profiles">embedded, redis or both.</param>
/// <param name="Count">Invocations of each accept run (SDK, HTTP).</param>
/// <param name="Concurrency">Concurrent callers of every bulk submission.</param>
/// <param name="Function">The function of the accept runs and of the idle accept-to-start run.</param>
/// <param name="JsonPath">Where the JSON goes (default <c>artifacts/bench/bench-&lt;time&gt;.json</c>).</param>
/// <param name="Quick">Small counts and short waits.</param>
/// <param name="IdleCount">Sequential invocations of the idle accept-to-start run.</param>
/// <param name="RetryPending">The large pending count of the retry-timing scenario (the small one is always 100).</param>
/// <param name="RetryDelay">FirstRetryDelay of the retry-timing silos; <c>null</c> = sized from the measured accept rate.</param>
/// <param name="Pending">Invocations parked for a retry in the pending-scale scenario (Redis profile); 0 skips it.</param>
/// <param name="PendingDelay">FirstRetryDelay of the pending-scale silo; <c>null</c> = sized from the measured accept rate.</param>
/// <param name="Scenarios">Which scenarios run: accept, retry, pending, pipeline.</param>
/// <param name="PacedRate">Rate of the open-loop accept runs; <c>null</c> = half of each measured peak.</param>
/// <param name="RetryRate">Submissions per second in the retry-timing scenario (so retries come due at that rate); <c>null</c> = as fast as possible.</param>
/// <param name="WarmUpSeconds">How long the accept and pipeline scenarios load the silo before they measure; <c>null</c> = 30 s (3 s with --quick).</param>
internal sealed record BenchSettings(
    string[] Profiles,
    int Count,
    int Concurrency,
    string Function,
    string? JsonPath,
    bool Quick,
    int IdleCount,
    int RetryPending,
    TimeSpan? RetryDelay,
    int Pending,
    TimeSpan? PendingDelay,
    string[] Scenarios,
    double? RetryRate = null,
    double? PacedRate = null,
    double? WarmUpSeconds = null)
{
    public const string Usage =
        "usage: [--quick] [--profile embedded|redis|both] [--count N] [--concurrency C] [--function NAME] [--json PATH]\n" +
        "       [--idle N] [--retry-pending N] [--retry-delay SECONDS] [--pending N] [--pending-delay SECONDS]\n" +
        "       [--only accept,retry,pending,pipeline,lambda] [--retry-rate PER_SECOND] [--paced-rate PER_SECOND]\n" +
        "       [--warm-up SECONDS]";

    /// <summary>Status reads in flight while waiting for many invocations.</summary>
    public const int PollInFlight = 256;

    /// <summary>How long the pending-scale silo idles before its memory is read.</summary>
    public TimeSpan IdleBeforeMeasure => Quick ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long the silo runs under load before a measured run: long enough for the runtime's tiered compilation to
    /// have recompiled the hot path with its profile (about 20 s of load on two cores), so the figures are steady state.
    /// </summary>
    public TimeSpan WarmUp => TimeSpan.FromSeconds(WarmUpSeconds ?? (Quick ? 3 : 30));

    public bool Runs(string scenario) => Scenarios.Contains(scenario);

    public static BenchSettings? Parse(string[] args)
    {
        var profiles = new[] { "embedded", "redis" };
        int count = 10_000, concurrency = 64, idle = 200;
        int? retryPending = null, pending = null;
        double? retryDelay = null, pendingDelay = null, retryRate = null, pacedRate = null, warmUp = null;
        var scenarios = new[] { "accept", "retry", "pending", "pipeline" };
        var quick = false;
        string function = "echo";
        string? json = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--profile" when value is "embedded" or "redis": profiles = [value]; i++; break;
                case "--profile" when value is "both": i++; break;
                case "--count" when int.TryParse(value, out count) && count > 0: i++; break;
                case "--concurrency" when int.TryParse(value, out concurrency) && concurrency > 0: i++; break;
                case "--function" when value is not null: function = value; i++; break;
                case "--json" when value is not null: json = value; i++; break;
                case "--idle" when int.TryParse(value, out idle) && idle > 0: i++; break;
                case "--retry-pending" when int.TryParse(value, out var rp) && rp > 0: retryPending = rp; i++; break;
                case "--retry-delay" when double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var rd) && rd > 0: retryDelay = rd; i++; break;
                case "--pending" when int.TryParse(value, out var p) && p >= 0: pending = p; i++; break;
                case "--pending-delay" when double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var pd) && pd > 0: pendingDelay = pd; i++; break;
                case "--only" when value is not null && value.Split(',').All(s => s is "accept" or "retry" or "pending" or "pipeline" or "lambda"): scenarios = value.Split(','); i++; break;
                case "--retry-rate" when double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var rr) && rr > 0: retryRate = rr; i++; break;
                case "--paced-rate" when double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var pr) && pr > 0: pacedRate = pr; i++; break;
                case "--warm-up" when double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var wu) && wu >= 0: warmUp = wu; i++; break;
                case "--quick": quick = true; break;
                default: return null;
            }
        }

        return new BenchSettings(
            profiles,
            quick ? Math.Min(count, 2_000) : count,
            concurrency,
            function,
            json,
            quick,
            idle,
            retryPending ?? (quick ? 5_000 : 100_000),
            retryDelay is { } r ? TimeSpan.FromSeconds(r) : null,
            pending ?? (quick ? 20_000 : 1_000_000),
            pendingDelay is { } d ? TimeSpan.FromSeconds(d) : null,
            scenarios,
            retryRate,
            pacedRate,
            warmUp);
    }
}
