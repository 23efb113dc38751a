using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Orleans.AsyncInvoke.Invocations;

namespace Orleans.AsyncInvoke.Benchmarks;

/// <summary>
/// Accept through the SDK and HTTP, end to end, accept-to-start (idle and under the SDK run's load) and, in the Redis
/// profile, the redis-benchmark SET baseline.
/// </summary>
internal static class AcceptBench
{
    public static async Task<List<BenchResult>> RunAsync(string profile, BenchSettings settings)
    {
        await using var cluster = await BenchCluster.StartAsync(profile);
        var invoker = cluster.Invoker;
        var payload = Encoding.UTF8.GetBytes("""{"bench":true}""");
        var results = new List<BenchResult>();

        var http = cluster.Http;
        using var bulk = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = settings.Concurrency }) { BaseAddress = http.BaseAddress };
        async Task PostEventAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/2015-03-31/functions/{settings.Function}/invocations") { Content = new ByteArrayContent(payload) };
            request.Headers.Add("X-Amz-Invocation-Type", "Event");
            using var response = await bulk.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"HTTP accept answered {(int)response.StatusCode}.");
            }
        }

        // Warm-up through both surfaces, so both are measured at steady state (the silo's tiered compilation has
        // recompiled their hot paths by then), finished before the idle run so that it runs on an idle silo.
        var half = settings.WarmUp / 2;
        Console.WriteLine(Fmt.Inv($"[{profile}] warm-up: {half.TotalSeconds:F0} s through the SDK, then {half.TotalSeconds:F0} s over HTTP..."));
        var warmSdk = await Load.RunForAsync(() => invoker.InvokeEventAsync(settings.Function, payload), half, settings.Concurrency);
        var warmHttp = await Load.RunForAsync(PostEventAsync, half, settings.Concurrency);
        await CpuUntilIdleAsync(cluster, 0);
        Console.WriteLine(Fmt.Inv($"[{profile}] warm-up: {warmSdk} events through the SDK, {warmHttp} over HTTP, all run"));
        Console.WriteLine($"[{profile}] accept-to-start, idle: {settings.IdleCount} invocations one at a time...");
        results.Add(await IdleAcceptToStartAsync(cluster, settings, payload));

        Console.WriteLine($"[{profile}] accepting {settings.Count} invocations through the SDK with {settings.Concurrency} callers...");
        var clock = Stopwatch.StartNew();
        var firstAccept = DateTimeOffset.UtcNow;
        var cpuBefore = SiloProbe.CpuSeconds(cluster.Silo.ProcessId);
        var (ids, sdk) = await Load.SubmitAsync(invoker, profile, "accept (client SDK)", settings.Function, payload, settings.Count, settings.Concurrency);
        var sdkCpu = await CpuUntilIdleAsync(cluster, cpuBefore) / settings.Count;
        results.Add(sdk with
        {
            Notes = Fmt.Inv($"silo CPU {sdkCpu:F0} µs per accepted and completed invocation"),
            Metrics = new Dictionary<string, double> { ["siloCpuMicrosecondsPerInvocation"] = sdkCpu },
        });

        // End to end: from the first accept of the SDK run until the last of those invocations completed, by the silo's
        // CompletedAt stamps (reading the statuses back afterwards takes far longer than running them, so the time of
        // the reads would measure the reads). Same clock: client and silo run on this machine.
        var final = await Load.WaitFinalAsync(invoker, ids, TimeSpan.FromMinutes(10));
        var lastCompleted = final.Where(s => s?.CompletedAt is not null).Select(s => s!.CompletedAt!.Value).DefaultIfEmpty(DateTimeOffset.UtcNow).Max();
        var e2e = Math.Max(1e-3, (lastCompleted - firstAccept).TotalSeconds);
        var readBack = clock.Elapsed.TotalSeconds;
        results.Add(new BenchResult(profile, "end to end (completed)", settings.Count, settings.Concurrency, e2e, settings.Count / e2e, 0, 0, 0,
            Fmt.Inv($"first accept → last CompletedAt (silo stamps); reading the {settings.Count} statuses back took until {readBack:F0} s")));
        results.Add(AcceptToStart(profile, "accept-to-start (load)", final, settings.Concurrency, e2e, "the SDK run above"));

        var paceSeconds = settings.Quick ? 2 : 5;
        // The status reads above activated every invocation once more; let those activations go first, so the paced
        // run measures accepts and not their clean-up.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var sdkPace = settings.PacedRate ?? sdk.PerSecond / 2;
        Console.WriteLine(Fmt.Inv($"[{profile}] accepting through the SDK at {sdkPace:F0}/s for {paceSeconds} s..."));
        results.Add(await PacedAsync(cluster, settings.PacedRate is null ? "accept at half peak (SDK)" : "accept paced (SDK)", sdkPace, paceSeconds,
            () => invoker.InvokeEventAsync(settings.Function, payload)));

        // Same-run baseline: what the silo's HTTP stack does with no invocation behind it, through the same client.
        Console.WriteLine($"[{profile}] GET /healthz {settings.Count} times with {settings.Concurrency} callers (baseline)...");
        clock.Restart();
        var health = Percentiles.Of(await Load.RunCallersAsync(async _ =>
        {
            using var response = await bulk.GetAsync(new Uri("/healthz", UriKind.Relative));
            response.EnsureSuccessStatusCode();
        }, settings.Count, settings.Concurrency));
        var healthPerSecond = settings.Count / clock.Elapsed.TotalSeconds;
        results.Add(new BenchResult(profile, "GET /healthz (baseline)", settings.Count, settings.Concurrency, clock.Elapsed.TotalSeconds, healthPerSecond,
            health.P50, health.P99, health.Max, "the gateway's HTTP stack alone, same client"));

        Console.WriteLine($"[{profile}] accepting {settings.Count} invocations through HTTP with {settings.Concurrency} callers...");
        clock.Restart();
        cpuBefore = SiloProbe.CpuSeconds(cluster.Silo.ProcessId);
        var latencies = await Load.RunCallersAsync(_ => PostEventAsync(), settings.Count, settings.Concurrency);
        var seconds = clock.Elapsed.TotalSeconds;
        var httpCpu = await CpuUntilIdleAsync(cluster, cpuBefore) / settings.Count;
        var p = Percentiles.Of(latencies);
        var viaHttp = new BenchResult(profile, "accept (HTTP Event)", settings.Count, settings.Concurrency, seconds, settings.Count / seconds, p.P50, p.P99, p.Max,
            Fmt.Inv($"silo CPU {httpCpu:F0} µs per accepted and completed invocation; {settings.Count / seconds / healthPerSecond:P0} of /healthz's rate"),
            new Dictionary<string, double> { ["siloCpuMicrosecondsPerInvocation"] = httpCpu, ["ratioToHealthz"] = settings.Count / seconds / healthPerSecond });
        results.Add(viaHttp);
        var httpPace = settings.PacedRate ?? viaHttp.PerSecond / 2;
        Console.WriteLine(Fmt.Inv($"[{profile}] accepting over HTTP at {httpPace:F0}/s for {paceSeconds} s..."));
        results.Add(await PacedAsync(cluster, settings.PacedRate is null ? "accept at half peak (HTTP)" : "accept paced (HTTP)", httpPace, paceSeconds, PostEventAsync));

        if (cluster.Redis is not null)
        {
            results.Add(await RedisBaselineAsync(cluster.Redis.Port));
        }

        return results;
    }

    /// <summary>
    /// The silo's CPU time since <paramref name="before"/>, in microseconds, read once the silo is idle again (under 5 %
    /// of a core for a second): the accepts and the attempts and final writes behind them, without status reads.
    /// </summary>
    private static async Task<double> CpuUntilIdleAsync(BenchCluster cluster, double before)
    {
        var pid = cluster.Silo.ProcessId;
        var last = SiloProbe.CpuSeconds(pid);
        var quiet = 0;
        for (var i = 0; i < 600 && quiet < 5; i++)
        {
            await Task.Delay(200);
            var now = SiloProbe.CpuSeconds(pid);
            quiet = now - last < 0.01 ? quiet + 1 : 0;
            last = now;
        }

        // The quiet second adds at most 50 ms of the silo's background work: a few µs over thousands of invocations.
        return (last - before) * 1e6;
    }

    /// <summary>
    /// Open loop: calls start on a fixed schedule of <paramref name="rate"/> per second whether or not earlier ones
    /// have answered, and each latency counts from the call's scheduled start, so a stall shows in full.
    /// </summary>
    private static async Task<BenchResult> PacedAsync(BenchCluster cluster, string scenario, double rate, int seconds, Func<Task> call)
    {
        // What else happened meanwhile, to read the tail by: the silo's GC pauses and Redis' AOF rewrites (a fork).
        var gcBefore = await SiloProbe.GcPauseSecondsAsync(cluster.Http);
        var rewritesBefore = cluster.Redis is { } r0 ? await SiloProbe.RedisAofRewritesAsync(r0.Port) : double.NaN;
        var count = Math.Max(1, (int)(rate * seconds));
        var latencies = new double[count];
        var calls = new List<Task>(count);
        var start = Stopwatch.GetTimestamp();
        async Task TimedAsync(int i, long scheduled)
        {
            await call();
            latencies[i] = Stopwatch.GetElapsedTime(scheduled).TotalMilliseconds;
        }

        var next = 0;
        while (next < count)
        {
            var due = Math.Min(count, (int)(Stopwatch.GetElapsedTime(start).TotalSeconds * rate) + 1);
            for (; next < due; next++)
            {
                calls.Add(TimedAsync(next, start + (long)(next / rate * Stopwatch.Frequency)));
            }

            await Task.Delay(1);
        }

        await Task.WhenAll(calls);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (Environment.GetEnvironmentVariable("BENCH_DUMP") is { } dump)
        {
            await File.WriteAllLinesAsync(dump + (scenario.Contains("HTTP", StringComparison.Ordinal) ? ".http" : ".sdk"), latencies.Select((l, i) => Fmt.Inv($"{i / rate:F3} {l:F2}")));
        }

        var p = Percentiles.Of(latencies);
        var gcAfter = await SiloProbe.GcPauseSecondsAsync(cluster.Http);
        var rewrites = cluster.Redis is { } r1 ? await SiloProbe.RedisAofRewritesAsync(r1.Port) - rewritesBefore : double.NaN;
        var gc = gcBefore is { } b && gcAfter is { } a ? Fmt.Inv($"{(a - b) * 1000:F0} ms") : "n/a";
        return new BenchResult(cluster.Profile, scenario, count, 0, elapsed, count / elapsed, p.P50, p.P99, p.Max,
            Fmt.Inv($"open loop at {rate:F0}/s; latency from each call's scheduled start; silo GC pauses {gc}, AOF rewrites {rewrites}"));
    }

    /// <summary>Invocations sent one at a time, each awaited to completion (status polled) before the next.</summary>
    private static async Task<BenchResult> IdleAcceptToStartAsync(BenchCluster cluster, BenchSettings settings, byte[] payload)
    {
        var statuses = new List<InvocationStatus?>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < settings.IdleCount; i++)
        {
            var id = await cluster.Invoker.InvokeEventAsync(settings.Function, payload);
            var deadline = Stopwatch.StartNew();
            InvocationStatus? status;
            do
            {
                // Reads queue behind the grain's own work: leave it alone for a moment, then look often.
                await Task.Delay(deadline.Elapsed < TimeSpan.FromMilliseconds(5) ? 5 : 2);
                status = await cluster.Invoker.GetInvocationAsync(id);
            }
            while (status is not { IsFinal: true } && deadline.Elapsed < TimeSpan.FromSeconds(30));
            statuses.Add(status);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        return AcceptToStart(cluster.Profile, "accept-to-start (idle)", statuses, 1, seconds, "sequential, each awaited");
    }

    /// <summary>Accept → start = History[0].StartedAt − ReceivedAt, both stamped by the silo.</summary>
    private static BenchResult AcceptToStart(string profile, string scenario, IReadOnlyCollection<InvocationStatus?> statuses, int callers, double seconds, string what)
    {
        var delays = statuses.Where(s => s is { History.Count: > 0 }).Select(s => (s!.History[0].StartedAt - s.ReceivedAt).TotalMilliseconds).ToList();
        var p = Percentiles.Of(delays);
        var missing = statuses.Count - delays.Count;
        var notes = Fmt.Inv($"{what}; silo timestamps{(missing > 0 ? $"; {missing} never started" : "")}");
        return new BenchResult(profile, scenario, statuses.Count, callers, seconds, statuses.Count / seconds, p.P50, p.P99, p.Max, notes,
            new Dictionary<string, double> { ["acceptToStartP50Ms"] = p.P50, ["acceptToStartP99Ms"] = p.P99, ["acceptToStartMaxMs"] = p.Max, ["neverStarted"] = missing });
    }

    /// <summary>redis-benchmark SET with 50 clients against the same server: what the store can do on this machine.</summary>
    private static async Task<BenchResult> RedisBaselineAsync(int port)
    {
        var start = new ProcessStartInfo("redis-benchmark", ["-p", port.ToString(CultureInfo.InvariantCulture), "-t", "set", "-c", "50", "-n", "100000", "-q"])
        {
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var match = System.Text.RegularExpressions.Regex.Match(output, @"SET: ([0-9.]+) requests per second");
        var perSecond = match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN;
        return new BenchResult("redis", "redis-benchmark SET", 100_000, 50, 100_000 / perSecond, perSecond, 0, 0, 0, "store baseline");
    }
}
