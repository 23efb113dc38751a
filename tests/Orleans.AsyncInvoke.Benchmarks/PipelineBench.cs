using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Orleans.AsyncInvoke.Functions;
using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Benchmarks;

/// <summary>
/// The whole pipeline, accepted → record delivered (Redis profile): OnSuccess to a built-in queue (as fast as the
/// callers go, and paced at half that accept rate), to a webhook answering at once and in 100 ms, to a topic with two
/// queue subscriptions, and a failure path with a dead-letter queue; a run without destination is the same-run
/// baseline of CPU and AOF bytes. Per scenario: records delivered per second (from the first accept to the last
/// record), the accept rate of the same run, delivery lag p50/p99 (the record's arrival − its <c>timestamp</c>, the
/// invocation's completion), AOF bytes and silo CPU per record.
/// </summary>
internal static class PipelineBench
{
    public static async Task<List<BenchResult>> RunAsync(BenchSettings settings)
    {
        // The benchmark's webhooks listen on loopback.
        await using var cluster = await BenchCluster.StartAsync("redis", new Dictionary<string, string> { ["AsyncInvoke__Webhooks__AllowLoopback"] = "true" });
        var redis = await ConnectionMultiplexer.ConnectAsync($"{cluster.Redis!.ConnectionString},allowAdmin=true");
        // A background rewrite shrinks the AOF and would hide what each record wrote.
        await redis.GetServer(redis.GetEndPoints()[0]).ConfigSetAsync("auto-aof-rewrite-percentage", "0");
        var bench = new Context(cluster, redis, settings);
        var results = new List<BenchResult>();
        var count = settings.Count;

        await bench.WarmUpAsync();
        async Task<BenchResult?> RunOneAsync(string scenario, Func<Task<BenchResult>> run)
        {
            BenchResult row;
            try
            {
                row = await run();
            }
            catch (TimeoutException ex)
            {
                // A pipeline that stops moving is a result too.
                row = new BenchResult("redis", scenario, 0, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, "stalled: " + ex.Message);
            }

            Console.WriteLine(Fmt.Inv($"  {row.Scenario}: {row.PerSecond:F0}/s, lag p50 {row.P50Ms:F0} ms, p99 {row.P99Ms:F0} ms; {row.Notes}"));
            results.Add(row);
            return row;
        }

        await RunOneAsync("no destination (baseline)", () => bench.BaselineAsync(count));
        var queue = await RunOneAsync("records → queue", () => bench.QueueAsync("records → queue", count, paced: null));
        if (queue?.Metrics is { } metrics)
        {
            var half = metrics["acceptPerSecond"] / 2;
            var pacedCount = (int)(half * (settings.Quick ? 2 : 5));
            await RunOneAsync("records → queue, half rate", () => bench.QueueAsync("records → queue, half rate", pacedCount, paced: half));
        }

        await using (var hook = new Webhook(TimeSpan.Zero))
        {
            await RunOneAsync("records → webhook (0 ms)", () => bench.WebhookAsync("records → webhook (0 ms)", count, hook));
        }

        await using (var slow = new Webhook(TimeSpan.FromMilliseconds(100)))
        {
            await RunOneAsync("records → webhook (100 ms)", () => bench.WebhookAsync("records → webhook (100 ms)", Math.Min(count, settings.Quick ? 2_000 : 10_000), slow));
        }

        await RunOneAsync("records → topic → 2 queues", () => bench.TopicAsync("records → topic → 2 queues", count));
        await RunOneAsync("failure → queue + DLQ", () => bench.FailureAsync("failure → queue + DLQ", count));
        await redis.DisposeAsync();
        return results;
    }

    private sealed class Context(BenchCluster cluster, ConnectionMultiplexer redis, BenchSettings settings)
    {
        private readonly byte[] _payload = Encoding.UTF8.GetBytes("""{"bench":true}""");

        private string StreamKey(string queue) => $"asyncinvoke:{ServiceId}:queue:{queue}";

        private string ServiceId => cluster.ServiceId;

        public async Task WarmUpAsync()
        {
            var fn = await FunctionAsync("dotnet:echo", onSuccess: "queue://warm-up");
            // Long enough for the silo's tiered compilation to recompile the accept, run and delivery paths.
            Console.WriteLine(Fmt.Inv($"[redis] pipeline: warm-up, {settings.WarmUp.TotalSeconds:F0} s of invocations with a queue destination..."));
            var made = await Load.RunForAsync(() => cluster.Invoker.InvokeEventAsync(fn, _payload), settings.WarmUp, settings.Concurrency);
            await WaitStreamAsync(StreamKey("warm-up"), made, TimeSpan.FromMinutes(5));
            await WaitIdleAsync();
        }

        public async Task<BenchResult> BaselineAsync(int count)
        {
            var fn = await FunctionAsync("dotnet:echo");
            Console.WriteLine($"[redis] pipeline: {count} invocations without destination (baseline)...");
            var before = await MeasureAsync();
            var clock = Stopwatch.StartNew();
            var (_, accept) = await Load.SubmitAsync(cluster.Invoker, "redis", "accept", fn, _payload, count, settings.Concurrency);
            await WaitIdleAsync();
            var seconds = clock.Elapsed.TotalSeconds;
            var after = await MeasureAsync();
            return Row("no destination (baseline)", count, seconds, count / seconds, accept.PerSecond, [], before, after, "completed/s; CPU and AOF per invocation");
        }

        public async Task<BenchResult> QueueAsync(string scenario, int count, double? paced)
        {
            var queue = $"bench-{Guid.NewGuid():N}";
            var fn = await FunctionAsync("dotnet:echo", onSuccess: $"arn:aws:sqs:us-east-1:000000000000:{queue}");
            Console.WriteLine(Fmt.Inv($"[redis] pipeline: {count} invocations, OnSuccess queue{(paced is { } r ? $", paced at {r:F0}/s" : "")}..."));
            var before = await MeasureAsync();
            var start = DateTimeOffset.UtcNow;
            var (_, accept) = await Load.SubmitAsync(cluster.Invoker, "redis", "accept", fn, _payload, count, settings.Concurrency, paced);
            await WaitStreamAsync(StreamKey(queue), count, TimeSpan.FromMinutes(10));
            var lags = await StreamLagsAsync(StreamKey(queue));
            await WaitIdleAsync();
            var after = await MeasureAsync();
            return Row(scenario, count, Seconds(start, lags), count / Seconds(start, lags), accept.PerSecond, lags, before, after,
                paced is null ? "records delivered/s vs accepted/s" : "open loop; lag is what a steady load sees");
        }

        public async Task<BenchResult> WebhookAsync(string scenario, int count, Webhook hook)
        {
            var fn = await FunctionAsync("dotnet:echo", onSuccess: hook.Url);
            Console.WriteLine($"[redis] pipeline: {count} invocations, OnSuccess webhook answering in {hook.Delay.TotalMilliseconds:F0} ms...");
            var before = await MeasureAsync();
            var start = DateTimeOffset.UtcNow;
            var (_, accept) = await Load.SubmitAsync(cluster.Invoker, "redis", "accept", fn, _payload, count, settings.Concurrency);
            await UntilAsync(() => Task.FromResult((long)hook.Received.Count), count, $"the webhook {hook.Url}");

            var lags = hook.Received.ToList();
            await WaitIdleAsync();
            var after = await MeasureAsync();
            return Row(scenario, count, Seconds(start, lags), count / Seconds(start, lags), accept.PerSecond, lags, before, after,
                $"{hook.Requests} requests for {count} records");
        }

        public async Task<BenchResult> TopicAsync(string scenario, int count)
        {
            var (topic, a, b) = ($"bench-{Guid.NewGuid():N}", $"bench-{Guid.NewGuid():N}", $"bench-{Guid.NewGuid():N}");
            await cluster.Invoker.SubscribeAsync(topic, $"queue://{a}");
            await cluster.Invoker.SubscribeAsync(topic, $"queue://{b}");
            var fn = await FunctionAsync("dotnet:echo", onSuccess: $"arn:aws:sns:us-east-1:000000000000:{topic}");
            Console.WriteLine($"[redis] pipeline: {count} invocations, OnSuccess topic with two queue subscriptions...");
            var before = await MeasureAsync();
            var start = DateTimeOffset.UtcNow;
            var (_, accept) = await Load.SubmitAsync(cluster.Invoker, "redis", "accept", fn, _payload, count, settings.Concurrency);
            await WaitStreamAsync(StreamKey(a), count, TimeSpan.FromMinutes(10));
            await WaitStreamAsync(StreamKey(b), count, TimeSpan.FromMinutes(10));
            var lags = (await StreamLagsAsync(StreamKey(a))).Concat(await StreamLagsAsync(StreamKey(b))).ToList();
            await WaitIdleAsync();
            var after = await MeasureAsync();
            return Row(scenario, 2 * count, Seconds(start, lags), 2 * count / Seconds(start, lags), accept.PerSecond, lags, before, after,
                "records = 2 per invocation");
        }

        public async Task<BenchResult> FailureAsync(string scenario, int count)
        {
            var (failures, dlq) = ($"bench-{Guid.NewGuid():N}", $"bench-{Guid.NewGuid():N}");
            var fn = await FunctionAsync("dotnet:fail", onFailure: $"queue://{failures}", deadLetter: $"arn:aws:sqs:us-east-1:000000000000:{dlq}");
            Console.WriteLine($"[redis] pipeline: {count} failing invocations, OnFailure queue and dead-letter queue...");
            var before = await MeasureAsync();
            var start = DateTimeOffset.UtcNow;
            var (_, accept) = await Load.SubmitAsync(cluster.Invoker, "redis", "accept", fn, _payload, count, settings.Concurrency);
            await WaitStreamAsync(StreamKey(failures), count, TimeSpan.FromMinutes(10));
            await WaitStreamAsync(StreamKey(dlq), count, TimeSpan.FromMinutes(10));
            var lags = await StreamLagsAsync(StreamKey(failures));
            var lastDeadLetter = await LastEntryAsync(StreamKey(dlq));
            await WaitIdleAsync();
            var after = await MeasureAsync();
            var seconds = Math.Max(Seconds(start, lags), (lastDeadLetter - start).TotalSeconds);
            return Row(scenario, 2 * count, seconds, 2 * count / seconds, accept.PerSecond, lags, before, after,
                "records + raw events; lag of the records");
        }

        private async Task<string> FunctionAsync(string target, string? onSuccess = null, string? onFailure = null, string? deadLetter = null)
        {
            var name = $"bench-{Guid.NewGuid():N}";
            await cluster.Invoker.PutFunctionAsync(name, new FunctionDefinitionInput { Target = target, DeadLetterTarget = deadLetter });
            await cluster.Invoker.PutEventInvokeConfigAsync(name, new EventInvokeConfigInput
            {
                MaximumRetryAttempts = 0,
                OnSuccess = onSuccess,
                OnFailure = onFailure,
                HasDestinationConfig = onSuccess is not null || onFailure is not null,
            });
            return name;
        }

        private Task WaitStreamAsync(string key, int count, TimeSpan timeout) =>
            UntilAsync(() => redis.GetDatabase().StreamLengthAsync(key), count, key, timeout);

        /// <summary>Waits until <paramref name="read"/> reaches <paramref name="count"/>; gives up after 30 s without progress.</summary>
        private static async Task UntilAsync(Func<Task<long>> read, long count, string what, TimeSpan? timeout = null)
        {
            var guard = Stopwatch.StartNew();
            var (last, progressAt) = (-1L, Stopwatch.StartNew());
            long now;
            while ((now = await read()) < count && guard.Elapsed < (timeout ?? TimeSpan.FromMinutes(10)))
            {
                if (now != last)
                {
                    (last, progressAt) = (now, Stopwatch.StartNew());
                }
                else if (progressAt.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new TimeoutException($"{what}: {now} of {count} after 30 s without progress.");
                }

                await Task.Delay(20);
            }
        }

        /// <summary>Waits until no invocation is pending and no delivery is left in the due index.</summary>
        private async Task WaitIdleAsync()
        {
            var guard = Stopwatch.StartNew();
            var db = redis.GetDatabase();
            while (guard.Elapsed < TimeSpan.FromMinutes(10)
                && (await db.SortedSetLengthAsync($"asyncinvoke:{ServiceId}:wake:pending") > 0 || await db.SortedSetLengthAsync($"asyncinvoke:{ServiceId}:dlv:due") > 0))
            {
                await Task.Delay(50);
            }
        }

        /// <summary>Each entry's lag: its stream id's time (when it was appended) − the record's timestamp.</summary>
        private async Task<List<(DateTimeOffset At, double LagMs)>> StreamLagsAsync(string key)
        {
            var lags = new List<(DateTimeOffset, double)>();
            RedisValue from = "-";
            while (true)
            {
                var entries = await redis.GetDatabase().StreamRangeAsync(key, from, "+", 5_000);
                foreach (var entry in entries)
                {
                    var at = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(entry.Id.ToString().Split('-')[0], CultureInfo.InvariantCulture));
                    using var record = JsonDocument.Parse(entry["body"].ToString());
                    var completed = DateTimeOffset.Parse(record.RootElement.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture);
                    lags.Add((at, (at - completed).TotalMilliseconds));
                }

                if (entries.Length < 5_000)
                {
                    return lags;
                }

                from = "(" + entries[^1].Id;
            }
        }

        private async Task<DateTimeOffset> LastEntryAsync(string key)
        {
            var last = await redis.GetDatabase().StreamRangeAsync(key, "-", "+", 1, Order.Descending);
            return DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(last[0].Id.ToString().Split('-')[0], CultureInfo.InvariantCulture));
        }

        private async Task<(double AofBytes, double CpuSeconds)> MeasureAsync()
        {
            // The file plus the buffer not yet written to it (written late while an fsync is slow).
            var info = (await redis.GetServer(redis.GetEndPoints()[0]).InfoAsync("persistence")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
            var aof = double.Parse(info["aof_current_size"], CultureInfo.InvariantCulture) + double.Parse(info["aof_buffer_length"], CultureInfo.InvariantCulture);
            return (aof, SiloProbe.CpuSeconds(cluster.Silo.ProcessId));
        }

        private static double Seconds(DateTimeOffset start, List<(DateTimeOffset At, double LagMs)> arrivals) =>
            arrivals.Count == 0 ? double.NaN : (arrivals.Max(a => a.At) - start).TotalSeconds;

        private static BenchResult Row(
            string scenario, int records, double seconds, double perSecond, double acceptPerSecond,
            List<(DateTimeOffset At, double LagMs)> lags, (double AofBytes, double CpuSeconds) before, (double AofBytes, double CpuSeconds) after,
            string what)
        {
            var p = Percentiles.Of(lags.Select(l => Math.Max(0, l.LagMs)));
            var aofPerRecord = (after.AofBytes - before.AofBytes) / records;
            var cpuPerRecord = (after.CpuSeconds - before.CpuSeconds) * 1e6 / records;
            var notes = Fmt.Inv($"{what}; accepted {acceptPerSecond:F0}/s (ratio {perSecond / acceptPerSecond:F2}); AOF {aofPerRecord:F0} B/record; silo CPU {cpuPerRecord:F0} µs/record");
            return new BenchResult("redis", scenario, records, 0, seconds, perSecond, p.P50, p.P99, p.Max, notes, new Dictionary<string, double>
            {
                ["acceptPerSecond"] = acceptPerSecond,
                ["recordsPerSecond"] = perSecond,
                ["lagP50Ms"] = p.P50,
                ["lagP99Ms"] = p.P99,
                ["aofBytesPerRecord"] = aofPerRecord,
                ["siloCpuMicrosecondsPerRecord"] = cpuPerRecord,
            });
        }
    }

    /// <summary>A webhook on loopback that answers every POST after <see cref="Delay"/> and notes each record's lag.</summary>
    private sealed class Webhook : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;
        private readonly ConcurrentDictionary<string, (DateTimeOffset, double)> _received = new(StringComparer.Ordinal);
        private int _requests;

        public Webhook(TimeSpan delay)
        {
            Delay = delay;
            Url = $"http://127.0.0.1:{Testing.FreePort.Next()}/hook/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _loop = Task.Run(LoopAsync);
        }

        public string Url { get; }

        public TimeSpan Delay { get; }

        public int Requests => Volatile.Read(ref _requests);

        /// <summary>Distinct records received: arrival time and lag behind the record's timestamp.</summary>
        public ICollection<(DateTimeOffset At, double LagMs)> Received => _received.Values;

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                _ = Task.Run(() => AnswerAsync(context));
            }
        }

        private async Task AnswerAsync(HttpListenerContext context)
        {
            try
            {
                using var reader = new StreamReader(context.Request.InputStream);
                var body = await reader.ReadToEndAsync();
                var at = DateTimeOffset.UtcNow;
                Interlocked.Increment(ref _requests);
                using (var record = JsonDocument.Parse(body))
                {
                    var completed = DateTimeOffset.Parse(record.RootElement.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture);
                    _received.TryAdd(context.Request.Headers["X-Request-Id"] ?? body, (at, (at - completed).TotalMilliseconds));
                }

                if (Delay > TimeSpan.Zero)
                {
                    await Task.Delay(Delay);
                }

                context.Response.StatusCode = 200;
                context.Response.ContentLength64 = 0;
                context.Response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException or JsonException)
            {
                // The silo went away mid-request.
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Close();
            await _loop;
        }
    }
}
