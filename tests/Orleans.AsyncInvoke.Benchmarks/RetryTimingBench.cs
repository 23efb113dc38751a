using System.Diagnostics;
using System.Globalization;
using System.Text;
using Orleans.AsyncInvoke.Invocations;

namespace Orleans.AsyncInvoke.Benchmarks;

/// <summary>
/// Retry timing: <c>flaky</c> {"failTimes":1} (attempt 1 fails, attempt 2 succeeds) on a silo with a short
/// FirstRetryDelay, with few and with many retries pending; the lateness of a retry is attempt 2's StartedAt minus
/// when it was due (its DueAt; else the NextAttemptAt seen while it waited; else attempt 1's FinishedAt + the delay).
/// </summary>
internal static class RetryTimingBench
{
    public static readonly byte[] FlakyOnce = Encoding.UTF8.GetBytes("""{"failTimes":1}""");

    public static async Task<List<BenchResult>> RunAsync(string profile, BenchSettings settings, double acceptPerSecond)
    {
        var results = new List<BenchResult>();
        foreach (var pending in new[] { 100, settings.RetryPending }.Distinct())
        {
            // Long enough that every first attempt has failed before the first retry comes due, unless set by hand.
            var rate = settings.RetryRate is { } paced ? Math.Min(paced, acceptPerSecond) : acceptPerSecond;
            var delay = settings.RetryDelay ?? TimeSpan.FromSeconds(Math.Max(5, Math.Ceiling(pending / rate * 1.5 + 5)));
            results.Add(await RunOnceAsync(profile, settings, pending, delay));
        }

        return results;
    }

    private static async Task<BenchResult> RunOnceAsync(string profile, BenchSettings settings, int count, TimeSpan delay)
    {
        await using var cluster = await BenchCluster.StartAsync(profile, new Dictionary<string, string>
        {
            ["AsyncInvoke__FirstRetryDelay"] = delay.ToString("c", CultureInfo.InvariantCulture),
        });
        Console.WriteLine($"[{profile}] retry timing: {count} flaky invocations with {settings.Concurrency} callers, retries due after {delay.TotalSeconds:F0} s...");
        var clock = Stopwatch.StartNew();
        var (ids, submit) = await Load.SubmitAsync(cluster.Invoker, profile, "submit", "flaky", FlakyOnce, count, settings.Concurrency, settings.RetryRate);

        // Each invocation is read until it is seen waiting for its retry, then left alone until that retry is due.
        var observed = new DateTimeOffset?[count];
        var time = TimeProvider.System;
        var final = await Load.WaitFinalAsync(
            cluster.Invoker,
            ids,
            timeout: delay * 2 + TimeSpan.FromSeconds(120 + count / 200.0),
            observe: (i, s) =>
            {
                if (s is { Phase: InvocationPhase.WaitingForRetry, AttemptCount: 1, NextAttemptAt: { } next })
                {
                    observed[i] = next;
                }
            },
            readNow: i => observed[i] is not { } due || due <= time.GetUtcNow());
        var seconds = clock.Elapsed.TotalSeconds;
        var lateness = Lateness(final, observed, delay);
        var p = Percentiles.Of(lateness.Values);
        var notes = Fmt.Inv($"FirstRetryDelay {delay.TotalSeconds:F0} s, submit {submit.Seconds:F1} s; due from {lateness.Source}");
        if (lateness.Overlapping > 0)
        {
            notes += Fmt.Inv($"; {lateness.Overlapping} came due before the last first attempt ended");
        }

        if (lateness.Missing > 0)
        {
            notes += Fmt.Inv($"; {lateness.Missing} without a retry");
        }

        return new BenchResult(profile, Fmt.Inv($"retry lateness ({count} pending)"), count, settings.Concurrency, seconds, count / seconds, p.P50, p.P99, p.Max, notes,
            new Dictionary<string, double>
            {
                ["retryDelaySeconds"] = delay.TotalSeconds,
                ["submitSeconds"] = submit.Seconds,
                ["submitPerSecond"] = submit.PerSecond,
                ["latenessP50Ms"] = p.P50,
                ["latenessP99Ms"] = p.P99,
                ["latenessMaxMs"] = p.Max,
                ["dueFromDueAt"] = lateness.FromDueAt,
                ["dueFromObservedNextAttemptAt"] = lateness.FromObserved,
                ["dueEstimated"] = lateness.Estimated,
                ["dueBeforeLastFirstAttemptEnded"] = lateness.Overlapping,
                ["withoutRetry"] = lateness.Missing,
            });
    }

    /// <summary>
    /// Lateness in ms of attempt 2 of every invocation that has one, and where each due time came from; the fallback
    /// estimate (attempt 1's FinishedAt + <paramref name="delay"/>) is how the engine computes the due time.
    /// </summary>
    public static RetryLateness Lateness(IReadOnlyList<InvocationStatus?> statuses, IReadOnlyList<DateTimeOffset?>? observed, TimeSpan delay)
    {
        var values = new List<double>();
        var dues = new List<DateTimeOffset>();
        int fromDueAt = 0, fromObserved = 0, estimated = 0, missing = 0;
        var lastFirstEnded = DateTimeOffset.MinValue;
        for (var i = 0; i < statuses.Count; i++)
        {
            var history = statuses[i]?.History ?? [];
            var first = history.FirstOrDefault(h => h.Attempt == 1);
            var retry = history.FirstOrDefault(h => h.Attempt == 2);
            if (first?.FinishedAt is { } ended && ended > lastFirstEnded)
            {
                lastFirstEnded = ended;
            }

            DateTimeOffset due;
            if (retry is null)
            {
                missing++;
                continue;
            }
            else if (retry.DueAt is { } dueAt)
            {
                (due, fromDueAt) = (dueAt, fromDueAt + 1);
            }
            else if (observed?[i] is { } seen)
            {
                (due, fromObserved) = (seen, fromObserved + 1);
            }
            else if (first?.FinishedAt is { } firstEnded)
            {
                (due, estimated) = (firstEnded + delay, estimated + 1);
            }
            else
            {
                missing++;
                continue;
            }

            dues.Add(due);
            values.Add((retry.StartedAt - due).TotalMilliseconds);
        }

        var source = string.Join(", ", new[] { (fromDueAt, "DueAt"), (fromObserved, "observed NextAttemptAt"), (estimated, "attempt 1 end + delay") }
            .Where(s => s.Item1 > 0).Select(s => Fmt.Inv($"{s.Item2} {s.Item1}")));
        return new RetryLateness(values, source.Length == 0 ? "nothing" : source, fromDueAt, fromObserved, estimated, missing,
            dues.Count(d => d < lastFirstEnded), dues.Count > 0 ? dues.Min() : null, dues.Count > 0 ? dues.Max() : null);
    }
}

/// <summary>Retry lateness values (ms) and where their due times came from.</summary>
internal sealed record RetryLateness(
    List<double> Values,
    string Source,
    int FromDueAt,
    int FromObserved,
    int Estimated,
    int Missing,
    int Overlapping,
    DateTimeOffset? FirstDue,
    DateTimeOffset? LastDue);
