using Orleans.Concurrency;

namespace Orleans.AsyncInvoke.Diagnostics;

/// <summary>
/// The last hour of the cluster's activity, in one-minute buckets per function, kept in memory: a view for the
/// console that restarts empty, never a record anything depends on.
/// </summary>
[Reentrant]
public sealed class ActivityStatsGrain(TimeProvider time) : Grain, IActivityStatsGrain
{
    /// <summary>Minutes kept.</summary>
    public const int WindowMinutes = 60;

    /// <summary>A silo that has not reported for this long no longer counts towards the gauges.</summary>
    public static readonly TimeSpan SiloSilence = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, FunctionWindow> _functions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActivityReport> _silos = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _activatedAt = time.GetUtcNow();

    public Task ReportAsync(ActivityReport report)
    {
        var minute = MinuteOf(time.GetUtcNow());
        _silos[report.Silo] = report;
        foreach (var f in report.Functions)
        {
            if (!_functions.TryGetValue(f.FunctionName, out var window))
            {
                window = _functions[f.FunctionName] = new FunctionWindow();
            }

            window.Add(minute, f);
            window.Backlog += f.Received - f.Succeeded - f.Failed - f.Dropped - f.Cancelled;
            window.InFlight[report.Silo] = f.InFlight;
        }

        // A silo whose report leaves a function out has no attempt of it running.
        foreach (var (name, window) in _functions)
        {
            if (window.InFlight.ContainsKey(report.Silo) && !report.Functions.Any(f => f.FunctionName == name))
            {
                window.InFlight.Remove(report.Silo);
            }
        }

        return Task.CompletedTask;
    }

    public Task<ActivitySnapshot> GetAsync()
    {
        var now = time.GetUtcNow();
        var minute = MinuteOf(now);
        var live = _silos.Values.Where(s => now - s.At <= SiloSilence).ToList();
        var liveNames = live.Select(s => s.Silo).ToHashSet(StringComparer.Ordinal);
        var functions = new List<FunctionActivitySeries>();
        foreach (var (name, window) in _functions.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var series = window.Series(minute);
            if (series.Totals is { Received: 0, Started: 0, Succeeded: 0, Failed: 0, Dropped: 0, Cancelled: 0, Retried: 0, Throttled: 0 }
                && window.Backlog <= 0
                && !window.InFlight.Any(s => liveNames.Contains(s.Key) && s.Value > 0))
            {
                continue;
            }

            functions.Add(series with
            {
                Totals = series.Totals with { FunctionName = name, InFlight = window.InFlight.Where(s => liveNames.Contains(s.Key)).Sum(s => s.Value) },
                Backlog = Math.Max(0, window.Backlog),
            });
        }

        var since = now - TimeSpan.FromMinutes(WindowMinutes);
        return Task.FromResult(new ActivitySnapshot
        {
            At = now,
            Silos = live.Count,
            Pending = live.Count == 0 ? 0 : live.Max(s => s.Pending),
            WakeUpLagMs = live.Count == 0 ? 0 : live.Max(s => s.WakeUpLagMs),
            Since = _activatedAt > since ? _activatedAt : since,
            Functions = functions,
        });
    }

    /// <summary>The sum of two counts (the gauge taken from <paramref name="b"/>).</summary>
    public static FunctionActivity Add(FunctionActivity a, FunctionActivity b) => a with
    {
        Received = a.Received + b.Received,
        Started = a.Started + b.Started,
        Succeeded = a.Succeeded + b.Succeeded,
        Failed = a.Failed + b.Failed,
        Dropped = a.Dropped + b.Dropped,
        Cancelled = a.Cancelled + b.Cancelled,
        Retried = a.Retried + b.Retried,
        Throttled = a.Throttled + b.Throttled,
        InFlight = b.InFlight,
    };

    private static long MinuteOf(DateTimeOffset t) => t.ToUnixTimeSeconds() / 60;

    /// <summary>One function's buckets: a ring of <see cref="WindowMinutes"/> minutes.</summary>
    private sealed class FunctionWindow
    {
        private readonly long[] _minutes = new long[WindowMinutes];
        private readonly FunctionActivity?[] _buckets = new FunctionActivity?[WindowMinutes];

        public Dictionary<string, long> InFlight { get; } = new(StringComparer.Ordinal);

        /// <summary>Accepted minus ended since the activation began.</summary>
        public long Backlog { get; set; }

        public void Add(long minute, FunctionActivity f)
        {
            var i = (int)(minute % WindowMinutes);
            _buckets[i] = _minutes[i] == minute && _buckets[i] is { } old ? ActivityStatsGrain.Add(old, f) : f;
            _minutes[i] = minute;
        }

        public FunctionActivitySeries Series(long now)
        {
            var received = new long[WindowMinutes];
            var succeeded = new long[WindowMinutes];
            var failed = new long[WindowMinutes];
            var dropped = new long[WindowMinutes];
            var retried = new long[WindowMinutes];
            var total = new FunctionActivity { FunctionName = "" };
            for (var k = 0; k < WindowMinutes; k++)
            {
                var minute = now - (WindowMinutes - 1) + k;
                var i = (int)(minute % WindowMinutes);
                if (_minutes[i] != minute || _buckets[i] is not { } b)
                {
                    continue;
                }

                received[k] = b.Received;
                succeeded[k] = b.Succeeded;
                failed[k] = b.Failed;
                dropped[k] = b.Dropped;
                retried[k] = b.Retried;
                total = ActivityStatsGrain.Add(total, b);
            }

            return new FunctionActivitySeries
            {
                Totals = total with { InFlight = 0 },
                Received = received,
                Succeeded = succeeded,
                Failed = failed,
                Dropped = dropped,
                Retried = retried,
            };
        }
    }
}
