using System.Diagnostics;
using System.Text.Json;
using Orleans.AsyncInvoke.Benchmarks;

// Benchmarks against real silo processes, per profile (each silo, and in the Redis profile each redis-server, is
// started by the benchmark on free ports):
//   accept    accept through the client SDK and through HTTP (Lambda Invoke Event), end to end (accept → completed),
//             accept-to-start p50/p99 (History[0].StartedAt − ReceivedAt) idle (--idle N sequential invocations, each
//             awaited) and under the SDK run's load, silo CPU per accepted and completed invocation (from /proc), the
//             silo's own GET /healthz through the same HTTP client as a baseline, and in the Redis profile
//             redis-benchmark SET with 50 clients. The machine (CPU model, cores, MHz) is printed with the figures.
//   retry     retry lateness (attempt 2's StartedAt − its DueAt) of flaky {"failTimes":1} with 100 and with
//             --retry-pending N retries pending, on silos whose FirstRetryDelay lets every first attempt end first.
//   pipeline  (Redis profile) accepted → record delivered: OnSuccess to a queue (full speed and paced at half that
//             accept rate), to webhooks answering at once and in 100 ms, to a topic with two queue subscriptions, a
//             failure path with a dead-letter queue, and no destination as the baseline: records/s against accepted/s,
//             delivery lag p50/p99 (arrival − the record's timestamp), AOF bytes and silo CPU per record.
//   lambda    (embedded profile; only with --only lambda) Lambda function code per runtime (python3.12, nodejs20.x, a
//             provided.al2023 shell bootstrap) beside dotnet:echo: cold start (CreateFunction → first response), warm
//             sync Invoke p50/p99 and the runtime's share over echo's, warm throughput of one function with 8 callers.
//   pending   (Redis profile) --pending N invocations parked for a retry: silo RSS and Redis used_memory per pending
//             invocation after an idle period, then SIGKILL and restart: time to /readyz and until every retry ran.
// Run by hand (never part of the tests):
//   dotnet run -c Release --project tests/Orleans.AsyncInvoke.Benchmarks -- [--quick] [--profile embedded|redis|both]
//     [--count 10000] [--concurrency 64] [--function echo] [--idle 200] [--retry-pending 100000] [--retry-delay SECONDS]
//     [--pending 1000000] [--pending-delay SECONDS] [--only accept,retry,pending,pipeline] [--retry-rate PER_SECOND] [--paced-rate PER_SECOND] [--json PATH]
// --quick: 2,000 accepts, 5,000 retries pending, 20,000 parked; about 1.5 minutes for the Redis profile.
// Full: 10,000 accepts, 100,000 retries pending, 1,000,000 parked. Unless set by hand, retry delays are sized from the
// SDK run's accepted/s: 1.5 × the submission time + 5 s (at least 5 s) for retry timing, and 1.2 × the submission
// time + 20 s + the idle time for the parked retries (so they come due shortly after the restart); at 5,000
// accepts/s the 1,000,000 take ~3.5 minutes to submit and come due ~5 minutes after their first attempt.
// Prints a table and writes JSON (artifacts/bench/bench-<time>.json unless --json).
var settings = BenchSettings.Parse(args);
if (settings is null)
{
    Console.WriteLine(BenchSettings.Usage);
    return 2;
}

var total = Stopwatch.StartNew();
var results = new List<BenchResult>();
Console.WriteLine($"machine: {Machine.Describe()}");
if (settings.Runs("lambda"))
{
    results.AddRange(await LambdaBench.RunAsync(settings));
}

foreach (var profile in settings.Profiles)
{
    // Accepted/s of the SDK run sizes the retry delays of the later scenarios; 1,000/s when it did not run.
    var acceptPerSecond = 1_000.0;
    if (settings.Runs("accept"))
    {
        var accept = await AcceptBench.RunAsync(profile, settings);
        results.AddRange(accept);
        acceptPerSecond = accept.FirstOrDefault(r => r.Scenario == "accept (client SDK)")?.PerSecond ?? acceptPerSecond;
    }

    if (settings.Runs("retry"))
    {
        results.AddRange(await RetryTimingBench.RunAsync(profile, settings, acceptPerSecond));
    }

    if (settings.Runs("pipeline") && profile == "redis")
    {
        results.AddRange(await PipelineBench.RunAsync(settings));
    }

    if (settings.Runs("pending") && profile == "redis" && settings.Pending > 0)
    {
        results.AddRange(await PendingScaleBench.RunAsync(settings, acceptPerSecond));
    }
}

BenchResult.PrintTable(results);
Console.WriteLine($"\nmachine: {Machine.Describe()}");
Console.WriteLine($"\ntotal: {total.Elapsed.TotalSeconds:F0} s");

var json = settings.JsonPath ?? Path.Combine("artifacts", "bench", $"bench-{TimeProvider.System.GetUtcNow():yyyyMMdd-HHmmss}.json");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
await File.WriteAllTextAsync(json, JsonSerializer.Serialize(results, new JsonSerializerOptions
{
    WriteIndented = true,
    NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
}));
Console.WriteLine($"written: {json}");
return 0;
