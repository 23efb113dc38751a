namespace Orleans.AsyncInvoke.Diagnostics;

/// <summary>
/// The cluster's recent activity per function (the console's overview, <c>GET /stats</c>): each silo reports what it
/// counted every couple of seconds, and this one activation keeps the last hour in one-minute buckets. It is a view,
/// not a record: it starts empty when it activates (after a restart of the silo that held it, say).
/// </summary>
[Alias("AsyncInvoke.IActivityStatsGrain")]
public interface IActivityStatsGrain : IGrainWithIntegerKey
{
    /// <summary>Adds one silo's counts since its last report and replaces its gauges.</summary>
    [Alias("Report")]
    Task ReportAsync(ActivityReport report);

    /// <summary>The last hour, per function, with the scheduler's gauges summed over the silos that reported lately.</summary>
    [Alias("Get")]
    Task<ActivitySnapshot> GetAsync();
}

/// <summary>What one silo counted since its previous report.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.ActivityReport")]
public sealed record ActivityReport
{
    /// <summary>The reporting silo.</summary>
    [Id(0)] public required string Silo { get; init; }

    /// <summary>When the counts were taken.</summary>
    [Id(1)] public required DateTimeOffset At { get; init; }

    /// <summary>Unfinished invocations in the store, as the silo last counted them.</summary>
    [Id(2)] public long Pending { get; init; }

    /// <summary>How late the earliest due wake-up was on the silo.</summary>
    [Id(3)] public double WakeUpLagMs { get; init; }

    /// <summary>Per function: the counts since the last report, and its attempts running on the silo now.</summary>
    [Id(4)] public IReadOnlyList<FunctionActivity> Functions { get; init; } = [];
}

/// <summary>One function's activity: counts of events, and <see cref="InFlight"/> as a gauge.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.FunctionActivity")]
public sealed record FunctionActivity
{
    /// <summary>The function.</summary>
    [Id(0)] public required string FunctionName { get; init; }

    /// <summary>Events accepted.</summary>
    [Id(1)] public long Received { get; init; }

    /// <summary>Attempts started.</summary>
    [Id(2)] public long Started { get; init; }

    /// <summary>Invocations that ended with condition <c>Success</c>.</summary>
    [Id(3)] public long Succeeded { get; init; }

    /// <summary>Invocations that ended after their function errors (<c>RetriesExhausted</c>).</summary>
    [Id(4)] public long Failed { get; init; }

    /// <summary>Invocations that ended without running to the end for other reasons (event age, zero concurrency).</summary>
    [Id(5)] public long Dropped { get; init; }

    /// <summary>Invocations cancelled by an operator.</summary>
    [Id(6)] public long Cancelled { get; init; }

    /// <summary>Retries scheduled after a function error.</summary>
    [Id(7)] public long Retried { get; init; }

    /// <summary>Attempts held back by throttling or a system error and rescheduled.</summary>
    [Id(8)] public long Throttled { get; init; }

    /// <summary>Attempts running now.</summary>
    [Id(9)] public long InFlight { get; init; }
}

/// <summary>The last hour of the cluster.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.ActivitySnapshot")]
public sealed record ActivitySnapshot
{
    /// <summary>When it was taken.</summary>
    [Id(0)] public required DateTimeOffset At { get; init; }

    /// <summary>Silos that reported within the last half minute.</summary>
    [Id(1)] public int Silos { get; init; }

    /// <summary>Unfinished invocations in the store (the largest count a live silo reported: each counts the whole store).</summary>
    [Id(2)] public long Pending { get; init; }

    /// <summary>The worst wake-up lag a live silo reported.</summary>
    [Id(3)] public double WakeUpLagMs { get; init; }

    /// <summary>Since when the activity is known (the grain's activation, or an hour ago, whichever is later).</summary>
    [Id(4)] public required DateTimeOffset Since { get; init; }

    /// <summary>Per function: totals over the window, and per-minute series (oldest first, the current minute last).</summary>
    [Id(5)] public IReadOnlyList<FunctionActivitySeries> Functions { get; init; } = [];
}

/// <summary>One function over the window.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.FunctionActivitySeries")]
public sealed record FunctionActivitySeries
{
    /// <summary>Totals over the window; <see cref="FunctionActivity.InFlight"/> summed over the live silos.</summary>
    [Id(0)] public required FunctionActivity Totals { get; init; }

    /// <summary>Events accepted per minute.</summary>
    [Id(1)] public IReadOnlyList<long> Received { get; init; } = [];

    /// <summary>Successful invocations per minute.</summary>
    [Id(2)] public IReadOnlyList<long> Succeeded { get; init; } = [];

    /// <summary>Failed invocations per minute.</summary>
    [Id(3)] public IReadOnlyList<long> Failed { get; init; } = [];

    /// <summary>Dropped invocations per minute.</summary>
    [Id(4)] public IReadOnlyList<long> Dropped { get; init; } = [];

    /// <summary>Retries scheduled per minute.</summary>
    [Id(5)] public IReadOnlyList<long> Retried { get; init; } = [];

    /// <summary>
    /// Events accepted and not final yet, as counted since <see cref="ActivitySnapshot.Since"/>'s activation began
    /// (accepted minus ended, never below zero): an estimate that leaves out what was pending before it.
    /// </summary>
    [Id(6)] public long Backlog { get; init; }
}
