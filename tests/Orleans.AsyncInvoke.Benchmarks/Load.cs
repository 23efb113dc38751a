using System.Diagnostics;
using Orleans.AsyncInvoke.Client;
using Orleans.AsyncInvoke.Invocations;

namespace Orleans.AsyncInvoke.Benchmarks;

/// <summary>Callers that submit, and bounded-concurrency status reads that wait for many invocations.</summary>
internal static class Load
{
    /// <summary>
    /// <paramref name="concurrency"/> callers share <paramref name="count"/> calls, each given its index; returns each
    /// call's latency in ms by index.
    /// </summary>
    public static async Task<double[]> RunCallersAsync(Func<int, Task> call, int count, int concurrency)
    {
        var latencies = new double[count];
        var next = -1;
        async Task Caller()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var start = Stopwatch.GetTimestamp();
                await call(i);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Caller)));
        return latencies;
    }

    /// <summary><paramref name="concurrency"/> callers make calls back to back for <paramref name="duration"/>; returns how many were made.</summary>
    public static async Task<int> RunForAsync(Func<Task> call, TimeSpan duration, int concurrency)
    {
        var made = 0;
        var clock = Stopwatch.StartNew();
        async Task Caller()
        {
            while (clock.Elapsed < duration)
            {
                await call();
                Interlocked.Increment(ref made);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Caller)));
        return made;
    }

    /// <summary>
    /// Submits <paramref name="count"/> events of <paramref name="function"/>, as fast as the callers go or, with
    /// <paramref name="perSecond"/>, no faster than that rate; returns the request ids and the run.
    /// </summary>
    public static async Task<(string[] Ids, BenchResult Result)> SubmitAsync(
        IAsyncInvoker invoker, string profile, string scenario, string function, byte[] payload, int count, int concurrency, double? perSecond = null)
    {
        var ids = new string[count];
        var clock = Stopwatch.StartNew();
        var latencies = await RunCallersAsync(async i =>
        {
            if (perSecond is { } rate && TimeSpan.FromSeconds(i / rate) - clock.Elapsed is { } wait && wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            ids[i] = await invoker.InvokeEventAsync(function, payload);
        }, count, concurrency);
        var seconds = clock.Elapsed.TotalSeconds;
        var p = Percentiles.Of(latencies);
        return (ids, new BenchResult(profile, scenario, count, concurrency, seconds, count / seconds, p.P50, p.P99, p.Max));
    }

    /// <summary>Reads the status of every id, <see cref="BenchSettings.PollInFlight"/> at a time; a failed read is <c>null</c>.</summary>
    public static async Task<InvocationStatus?[]> ReadAllAsync(IAsyncInvoker invoker, IReadOnlyList<string> ids)
    {
        var statuses = new InvocationStatus?[ids.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, ids.Count), new ParallelOptions { MaxDegreeOfParallelism = BenchSettings.PollInFlight }, async (i, ct) =>
        {
            try
            {
                statuses[i] = await invoker.GetInvocationAsync(ids[i], ct);
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException or InvalidOperationException)
            {
                statuses[i] = null;
            }
        });
        return statuses;
    }

    /// <summary>
    /// Reads statuses in passes until every invocation is final (or <paramref name="timeout"/> passes); each non-final
    /// status read goes to <paramref name="observe"/> with its index. <paramref name="readNow"/>, when given, holds an
    /// index back (not read in this pass) while it answers false. Returns the final statuses by index (<c>null</c> where none was seen).
    /// </summary>
    public static async Task<InvocationStatus?[]> WaitFinalAsync(
        IAsyncInvoker invoker,
        IReadOnlyList<string> ids,
        TimeSpan timeout,
        Action<int, InvocationStatus>? observe = null,
        Func<int, bool>? readNow = null)
    {
        var final = new InvocationStatus?[ids.Count];
        var pending = Enumerable.Range(0, ids.Count).ToList();
        var clock = Stopwatch.StartNew();
        while (pending.Count > 0 && clock.Elapsed < timeout)
        {
            var due = readNow is null ? pending : pending.Where(readNow).ToList();
            var statuses = await ReadAllAsync(invoker, [.. due.Select(i => ids[i])]);
            for (var k = 0; k < due.Count; k++)
            {
                if (statuses[k] is { IsFinal: true } done)
                {
                    final[due[k]] = done;
                }
                else if (statuses[k] is { } status)
                {
                    observe?.Invoke(due[k], status);
                }
            }

            pending = [.. pending.Where(i => final[i] is null)];
            if (pending.Count > 0)
            {
                // A short pause for a handful, a longer one between passes over many.
                await Task.Delay(pending.Count < 1_000 ? TimeSpan.FromMilliseconds(50) : TimeSpan.FromMilliseconds(500));
            }
        }

        if (pending.Count > 0)
        {
            Console.WriteLine($"  warning: {pending.Count} of {ids.Count} invocations were not final after {timeout.TotalSeconds:F0} s");
        }

        return final;
    }
}
