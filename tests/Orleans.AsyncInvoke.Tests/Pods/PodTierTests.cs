using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Orleans.AsyncInvoke.Tests.Pods;

/// <summary>
/// Silo pods as this machine can run them: each in a network namespace of its own with its own pod IP, started from
/// the published output with the environment of the rendered Deployment, Redis in a pod of its own, callers going
/// through the Service's endpoints. Each scenario counts what callers were told and what became of it.
/// </summary>
[Trait("Category", "Pods")]
public sealed class PodTierTests(PodTierFixture fixture, ITestOutputHelper output) : IClassFixture<PodTierFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);
    private const int Workers = 4;
    private static readonly Lock FiguresLock = new();

    [PodFact]
    public async Task Pods_WhenOneIsKilledUnderLoadAndRestarted_EveryAcknowledgedEventCompletesExactlyOnce()
    {
        await using var cluster = new PodCluster(fixture, "kill");
        var pods = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => cluster.StartPodAsync()));
        var load = new PodLoad(cluster, fixture.Http, fixture.ApiKey);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(Workers, stop.Token);
        await Eventually.TrueAsync(() => load.Acknowledged.Count >= 150, "150 accepts before the kill", Patience);

        var victim = pods[1];
        var sinceKill = Stopwatch.StartNew();
        victim.Process!.Kill();
        var acknowledgedAtKill = victim.Acknowledged;
        // The Deployment's restart of the crashed container: the kubelet starts it again in the same pod.
        await cluster.RestartContainerAsync(victim);
        var restarted = sinceKill.Elapsed;
        await Eventually.TrueAsync(() => victim.Acknowledged >= acknowledgedAtKill + 20, "the restarted pod to take 20 events", Patience);
        await stop.CancelAsync();
        await running;

        var figures = await SettleAsync(cluster, load, sinceKill);
        Report("SIGKILL 1 of 3 pods under load, container restarted", figures, $"restarted pod ready {restarted.TotalSeconds:0.0} s after the kill");
        figures.AssertNothingLost();
        Assert.True(figures.ServerErrors == 0, $"no caller got a 5xx; got {figures.ServerErrors}: {load.ServerErrorSamples}");
    }

    [PodFact]
    public async Task Pods_WhenEachIsReplacedInTurnUnderLoad_NothingIsLostNoCallerGets5xxAndEachExitsInItsGracePeriod()
    {
        await using var cluster = new PodCluster(fixture, "rolling");
        var old = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => cluster.StartPodAsync()));
        var load = new PodLoad(cluster, fixture.Http, fixture.ApiKey);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(Workers, stop.Token);
        await Eventually.TrueAsync(() => load.Acknowledged.Count >= 100, "100 accepts before the rollout", Patience);

        // The Deployment's rolling update (maxSurge 1, maxUnavailable 0): a new pod is ready, then an old one stops.
        var sinceRollout = Stopwatch.StartNew();
        var exits = new List<(TimeSpan Exit, bool Killed)>();
        var fresh = new List<SiloPod>();
        foreach (var pod in old)
        {
            fresh.Add(await cluster.StartPodAsync());
            exits.Add(await cluster.DeletePodAsync(pod));
        }

        await Eventually.TrueAsync(() => fresh.All(p => p.Acknowledged >= 15), "every new pod to take 15 events", Patience);
        await stop.CancelAsync();
        await running;

        var figures = await SettleAsync(cluster, load, sinceRollout);
        Report("rolling restart of 3 pods under load", figures, $"SIGTERM exit times {string.Join(", ", exits.Select(e => $"{e.Exit.TotalSeconds:0.0} s"))} (grace period {cluster.GracePeriod.TotalSeconds:0} s)");
        figures.AssertNothingLost();
        Assert.True(figures.ServerErrors == 0, $"no caller got a 5xx; got {figures.ServerErrors}: {load.ServerErrorSamples}");
        Assert.All(exits, e => Assert.False(e.Killed, $"a pod outlived its grace period ({e.Exit.TotalSeconds:0.0} s)"));
    }

    [PodFact]
    public async Task Pods_WhenScaledFrom3To5To2UnderLoad_WorkMovesAndNothingIsLost()
    {
        await using var cluster = new PodCluster(fixture, "scale");
        var first = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => cluster.StartPodAsync()));
        var load = new PodLoad(cluster, fixture.Http, fixture.ApiKey);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(Workers, stop.Token);
        await Eventually.TrueAsync(() => load.Acknowledged.Count >= 100, "100 accepts on 3 pods", Patience);

        var sinceScale = Stopwatch.StartNew();
        var added = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => cluster.StartPodAsync()));
        await Eventually.TrueAsync(() => added.All(p => p.Acknowledged >= 15), "the 2 new pods to take 15 events each", Patience);

        // Down to 2: the ReplicaSet deletes three pods at once, two of the new ones and one of the first.
        var removed = new[] { added[0], added[1], first[0] };
        var exits = await Task.WhenAll(removed.Select(cluster.DeletePodAsync));
        var kept = cluster.Pods.ToArray();
        var keptBefore = kept.Select(p => p.Acknowledged).ToArray();
        await Eventually.TrueAsync(() => kept.Select((p, i) => p.Acknowledged - keptBefore[i]).All(n => n >= 15), "the 2 remaining pods to take 15 more events each", Patience);
        await stop.CancelAsync();
        await running;

        var figures = await SettleAsync(cluster, load, sinceScale);
        Report("scale 3 -> 5 -> 2 under load", figures,
            $"accepts per pod {string.Join(", ", first.Concat(added).Select(p => $"{p.Name[^1..]}:{p.Acknowledged}"))}; SIGTERM exit times {string.Join(", ", exits.Select(e => $"{e.Exit.TotalSeconds:0.0} s"))}");
        figures.AssertNothingLost();
        Assert.True(figures.ServerErrors == 0, $"no caller got a 5xx; got {figures.ServerErrors}: {load.ServerErrorSamples}");
        Assert.All(exits, e => Assert.False(e.Killed, $"a pod outlived its grace period ({e.Exit.TotalSeconds:0.0} s)"));
    }

    /// <summary>Waits until every acknowledged event is final and has its success record, then counts.</summary>
    private async Task<Figures> SettleAsync(PodCluster cluster, PodLoad load, Stopwatch sinceDisruption)
    {
        var acknowledged = load.Acknowledged.Keys.ToHashSet(StringComparer.Ordinal);
        HashSet<string> finished = [];
        Dictionary<string, List<string>> records = [];
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                finished = await cluster.FinishedAsync();
                records = await cluster.SuccessRecordsAsync();
                return acknowledged.All(id => finished.Contains(id) && records.ContainsKey(id));
            }, $"{acknowledged.Count} acknowledged events to be final with a success record", Patience, TimeSpan.FromMilliseconds(500));
        }
        catch (TimeoutException)
        {
            // Counted below as lost: the figures say how many and the assertion fails.
        }

        var converged = sinceDisruption.Elapsed;
        var succeeded = await SampleStatusesAsync(cluster, acknowledged.Take(20));
        return new Figures(
            acknowledged.Count,
            acknowledged.Count(id => finished.Contains(id) && records.ContainsKey(id)),
            acknowledged.Sum(id => records.TryGetValue(id, out var copies) ? copies.Count - 1 : 0),
            string.Join("\n", records.Values.Where(copies => copies.Count > 1).Take(2).SelectMany(copies => copies)),
            load.ServerErrors,
            load.ConnectionErrors,
            load.Unacknowledged,
            converged,
            succeeded);
    }

    /// <summary>Reads statuses over the status route as a caller would: each should say Succeeded.</summary>
    private async Task<int> SampleStatusesAsync(PodCluster cluster, IEnumerable<string> ids)
    {
        var succeeded = 0;
        foreach (var id in ids)
        {
            var pod = cluster.PickInService()!;
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(pod.Endpoint, $"/invocations/{id}"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.ApiKey);
            using var response = await fixture.Http.SendAsync(request);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            succeeded += response.IsSuccessStatusCode && body.RootElement.GetProperty("status").GetString() == "Succeeded" ? 1 : 0;
        }

        return succeeded;
    }

    private void Report(string scenario, Figures figures, string detail)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"pod tier | {scenario} | acknowledged {figures.Acknowledged}, completed {figures.Completed}, lost {figures.Lost}, duplicates {figures.Duplicates}, 5xx {figures.ServerErrors}, unanswered and retried {figures.ConnectionErrors}, given up {figures.Unacknowledged}, time to converge {figures.Converged.TotalSeconds:0.0} s, statuses read Succeeded {figures.SampledSucceeded}/20 | {detail}");
        output.WriteLine(line);
        Directory.CreateDirectory(Path.GetDirectoryName(PodTierFixture.FiguresFile)!);
        lock (FiguresLock)
        {
            File.AppendAllLines(PodTierFixture.FiguresFile, [line]);
        }
    }

    private sealed record Figures(int Acknowledged, int Completed, int Duplicates, string DuplicateSamples, int ServerErrors, int ConnectionErrors, int Unacknowledged, TimeSpan Converged, int SampledSucceeded)
    {
        public int Lost => Acknowledged - Completed;

        public void AssertNothingLost()
        {
            Assert.True(Lost == 0, $"every acknowledged event is final with its success record; {Lost} of {Acknowledged} are not");
            Assert.True(Duplicates == 0, $"each success record arrives once; {Duplicates} duplicates:\n{DuplicateSamples}");
            Assert.Equal(20, SampledSucceeded);
        }
    }
}
