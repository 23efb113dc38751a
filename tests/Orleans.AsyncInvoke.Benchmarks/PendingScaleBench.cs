using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Orleans.AsyncInvoke.Benchmarks;

/// <summary>
/// Scale of pending work (Redis profile): N <c>flaky</c> {"failTimes":1} invocations parked for a long retry; silo
/// RSS and Redis used_memory per pending invocation after the silo idled; then SIGKILL, restart with the same
/// environment, time to ready and until every due retry has run and completed. Progress is read from the silo's
/// /metrics, not from the invocations, so that nothing but their own wake-ups activates them.
/// </summary>
internal static class PendingScaleBench
{
    public static async Task<List<BenchResult>> RunAsync(BenchSettings settings, double acceptPerSecond)
    {
        const string profile = "redis";
        var n = settings.Pending;
        var idle = settings.IdleBeforeMeasure;

        // Due shortly after the restart: the submission, the first attempts, the idle time and the restart come first.
        var delay = settings.PendingDelay
            ?? TimeSpan.FromSeconds(Math.Ceiling(n / acceptPerSecond * 1.2 + 5 + idle.TotalSeconds + 15));
        await using var cluster = await BenchCluster.StartAsync(profile, new Dictionary<string, string>
        {
            ["AsyncInvoke__FirstRetryDelay"] = delay.ToString("c", CultureInfo.InvariantCulture),
        });
        var time = TimeProvider.System;

        var (warmUp, _) = await Load.SubmitAsync(cluster.Invoker, profile, "warm-up", "echo", Encoding.UTF8.GetBytes("{}"), 200, settings.Concurrency);
        await Load.WaitFinalAsync(cluster.Invoker, warmUp, TimeSpan.FromMinutes(1));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var rssBefore = SiloProbe.ResidentBytes(cluster.Silo.ProcessId);
        var heapBefore = await SiloProbe.ManagedHeapBytesAsync(cluster.Http);
        var redisBefore = await SiloProbe.RedisUsedMemoryAsync(cluster.Redis!.Port);

        Console.WriteLine($"[{profile}] pending scale: {n} flaky invocations with {settings.Concurrency} callers, retries due after {delay.TotalSeconds:F0} s...");
        var clock = Stopwatch.StartNew();
        var (ids, submit) = await Load.SubmitAsync(cluster.Invoker, profile, "pending: submit", "flaky", RetryTimingBench.FlakyOnce, n, settings.Concurrency);
        Console.WriteLine(Fmt.Inv($"[{profile}]   submitted in {submit.Seconds:F1} s; waiting for the first attempts to fail..."));
        var parked = await WaitCountersAsync(cluster, c => c.Errors >= n, TimeSpan.FromSeconds(Math.Max(120, submit.Seconds * 3)));
        var firstAttemptsDone = clock.Elapsed.TotalSeconds;
        var rssParked = SiloProbe.ResidentBytes(cluster.Silo.ProcessId);

        Console.WriteLine($"[{profile}]   idling {idle.TotalSeconds:F0} s...");
        await Task.Delay(idle);
        var rssIdle = SiloProbe.ResidentBytes(cluster.Silo.ProcessId);
        var heapIdle = await SiloProbe.ManagedHeapBytesAsync(cluster.Http);
        var redisAfter = await SiloProbe.RedisUsedMemoryAsync(cluster.Redis.Port);
        var beforeKill = await SiloProbe.CountersAsync(cluster.Http, "flaky");
        var retriedBeforeKill = beforeKill is { } bk ? Math.Max(0, bk.Started - n) : 0;

        Console.WriteLine($"[{profile}]   SIGKILL and restart...");
        var killedAt = time.GetUtcNow();
        var ready = await cluster.KillAndRestartAsync(TimeSpan.FromMinutes(5));
        var readyAt = killedAt + ready;
        var expected = n - (beforeKill?.EndedWithoutError ?? 0);
        Console.WriteLine(Fmt.Inv($"[{profile}]   ready after {ready.TotalSeconds:F1} s; waiting for {expected} retries..."));
        // The restarted silo holds every pending invocation only as a stored wake-up: its memory before they come due is
        // what pending work costs a silo that is not running it.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var rssRestarted = SiloProbe.ResidentBytes(cluster.Silo.ProcessId);
        var heapRestarted = await SiloProbe.ManagedHeapBytesAsync(cluster.Http);
        var recovered = await WaitCountersAsync(cluster, c => c.EndedWithoutError >= expected && c.Running == 0,
            delay + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(n / 200.0));

        await cluster.ConnectAsync();
        var final = await Load.WaitFinalAsync(cluster.Invoker, ids, TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(n / 200.0));
        var succeeded = final.Count(s => s is { Phase: Invocations.InvocationPhase.Succeeded, AttemptCount: 2 });
        var afterKill = final.Where(s => s?.History.FirstOrDefault(h => h.Attempt == 2) is { } r && r.StartedAt > killedAt).ToList();
        var lateness = RetryTimingBench.Lateness(afterKill, null, delay);
        var lastCompleted = afterKill.Max(s => s!.CompletedAt) ?? killedAt;
        var firstRetry = afterKill.Count > 0 ? afterKill.Min(s => s!.History.First(h => h.Attempt == 2).StartedAt) : killedAt;
        var recoverySeconds = (lastCompleted - killedAt).TotalSeconds;
        var retryRate = afterKill.Count / Math.Max(0.001, (lastCompleted - firstRetry).TotalSeconds);
        var p = Percentiles.Of(lateness.Values);

        var siloPer = (rssIdle - rssBefore) / n;
        var redisPer = (redisAfter - redisBefore) / n;
        var restartedPer = (rssRestarted - rssBefore) / n;
        var memoryNotes = Fmt.Inv($"restarted silo with all pending: RSS {Fmt.Bytes(rssRestarted)}, heap {Heap(heapRestarted)} vs fresh silo RSS {Fmt.Bytes(rssBefore)}, heap {Heap(heapBefore)} = {Fmt.Bytes(Math.Max(0, restartedPer))}/inv; ")
            + Fmt.Inv($"silo that ran them, after idling: RSS {Fmt.Bytes(rssIdle)}, heap {Heap(heapIdle)} = {Fmt.Bytes(siloPer)}/inv RSS (parked {Fmt.Bytes(rssParked)}")
            + Fmt.Inv($", activations: invocation grains {Active(parked)} -> {Active(beforeKill)}, all {All(parked)} -> {All(beforeKill)}); redis +{Fmt.Bytes(redisAfter - redisBefore)} = {Fmt.Bytes(redisPer)}/inv");
        var dueNotes = lateness.FirstDue is { } fd && lateness.LastDue is { } ld
            ? Fmt.Inv($"due {(fd - readyAt).TotalSeconds:+0.0;-0.0} .. {(ld - readyAt).TotalSeconds:+0.0;-0.0} s from ready")
            : "no due times";
        return
        [
            submit with { Notes = Fmt.Inv($"flaky failTimes 1, FirstRetryDelay {delay.TotalSeconds:F0} s; all first attempts failed at {firstAttemptsDone:F1} s{Source(parked)}") },
            new BenchResult(profile, "pending: memory", n, 0, idle.TotalSeconds, 0, 0, 0, 0, memoryNotes, new Dictionary<string, double>
            {
                ["siloRssBeforeBytes"] = rssBefore,
                ["siloRssParkedBytes"] = rssParked,
                ["siloRssIdleBytes"] = rssIdle,
                ["siloBytesPerPending"] = siloPer,
                ["siloRssRestartedBytes"] = rssRestarted,
                ["siloBytesPerPendingRestarted"] = restartedPer,
                ["siloHeapBeforeBytes"] = heapBefore ?? -1,
                ["siloHeapIdleBytes"] = heapIdle ?? -1,
                ["siloHeapRestartedBytes"] = heapRestarted ?? -1,
                ["redisUsedMemoryBeforeBytes"] = redisBefore,
                ["redisUsedMemoryAfterBytes"] = redisAfter,
                ["redisBytesPerPending"] = redisPer,
                ["activeInvocationsParked"] = parked?.ActiveInvocations ?? -1,
                ["activeInvocationsIdle"] = beforeKill?.ActiveInvocations ?? -1,
                ["activationsParked"] = parked?.Activations ?? -1,
                ["activationsIdle"] = beforeKill?.Activations ?? -1,
                ["idleSeconds"] = idle.TotalSeconds,
            }),
            new BenchResult(profile, "pending: kill -> ready", 1, 0, ready.TotalSeconds, 0, 0, 0, 0,
                "SIGKILL, same environment and ports; /readyz polled every 200 ms", new Dictionary<string, double> { ["readySeconds"] = ready.TotalSeconds }),
            new BenchResult(profile, "pending: retries after kill", afterKill.Count, 0, recoverySeconds, retryRate, p.P50, p.P99, p.Max,
                Fmt.Inv($"seconds from the kill to the last completion; p = lateness; {dueNotes}; {succeeded}/{n} succeeded; {retriedBeforeKill} retried before the kill{Source(recovered)}"),
                new Dictionary<string, double>
                {
                    ["recoverySeconds"] = recoverySeconds,
                    ["retriesCompletedPerSecond"] = retryRate,
                    ["firstDueFromReadySeconds"] = lateness.FirstDue is { } f ? (f - readyAt).TotalSeconds : double.NaN,
                    ["lastDueFromReadySeconds"] = lateness.LastDue is { } l ? (l - readyAt).TotalSeconds : double.NaN,
                    ["latenessP50Ms"] = p.P50,
                    ["latenessP99Ms"] = p.P99,
                    ["latenessMaxMs"] = p.Max,
                    ["succeeded"] = succeeded,
                    ["retriedBeforeKill"] = retriedBeforeKill,
                    ["dueFromDueAt"] = lateness.FromDueAt,
                    ["dueEstimated"] = lateness.Estimated,
                }),
        ];

        static string Heap(double? bytes) => bytes is { } b ? Fmt.Bytes(b) : "n/a";
        static string Active(AttemptCounters? c) => c is { ActiveInvocations: >= 0 } x ? x.ActiveInvocations.ToString(CultureInfo.InvariantCulture) : "n/a";
        static string All(AttemptCounters? c) => c is { Activations: >= 0 } x ? x.Activations.ToString(CultureInfo.InvariantCulture) : "n/a";
        static string Source(AttemptCounters? c) => c is null ? " (no /metrics: waited blind)" : "";
    }

    /// <summary>
    /// Polls the silo's counters of <c>flaky</c> every second until <paramref name="done"/> holds (or the timeout);
    /// the last counters, or <c>null</c> when the silo exports none (then it waits a fixed 30 s instead).
    /// </summary>
    private static async Task<AttemptCounters?> WaitCountersAsync(BenchCluster cluster, Func<AttemptCounters, bool> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        AttemptCounters? last = null;
        var lastReport = TimeSpan.Zero;
        while (clock.Elapsed < timeout)
        {
            last = await SiloProbe.CountersAsync(cluster.Http, "flaky");
            if (last is null && clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                return null;
            }

            if (last is { } c && done(c))
            {
                return last;
            }

            if (last is { } progress && clock.Elapsed - lastReport > TimeSpan.FromSeconds(15))
            {
                lastReport = clock.Elapsed;
                Console.WriteLine($"    {clock.Elapsed.TotalSeconds:F0} s: attempts started {progress.Started}, function errors {progress.Errors}, ended {progress.Ended}, running {progress.Running}");
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Console.WriteLine($"  warning: the counters did not reach the goal within {timeout.TotalSeconds:F0} s ({last})");
        return last;
    }
}
