using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Orleans.AsyncInvoke.Testing;

namespace Orleans.AsyncInvoke.Tests.Pods;

/// <summary>A silo pod: its sandbox (namespace and IP, kept across container restarts) and its current process.</summary>
internal sealed class SiloPod(PodSandbox sandbox)
{
    private volatile bool _probedReady;
    private volatile bool _terminating;

    public PodSandbox Sandbox => sandbox;

    public string Name => sandbox.Name;

    public Uri Endpoint { get; } = new($"http://{sandbox.Ip}:8080");

    public SiloProcess? Process { get; set; }

    /// <summary>Events this pod answered 202.</summary>
    public int Acknowledged;

    /// <summary>In the Service's endpoints: ready by its probe and not terminating.</summary>
    public bool InService => _probedReady && !_terminating;

    public bool ProbedReady
    {
        get => _probedReady;
        set => _probedReady = value;
    }

    /// <summary>Set (after kube-proxy's delay) once the pod is being deleted: the endpoints drop it whatever its probe says.</summary>
    public void MarkTerminating() => _terminating = true;
}

/// <summary>
/// One scenario's silo Deployment on the pod network: pods started with the environment the rendered Deployment gives
/// them, the kubelet's readiness probe (the manifest's period, timeout and threshold), the Service's endpoints (ready,
/// not terminating pods) and a kubelet's stop (SIGTERM, SIGKILL at the end of the grace period).
/// </summary>
internal sealed partial class PodCluster : IAsyncDisposable
{
    /// <summary>How long the endpoints take to drop a pod being deleted everywhere (kube-proxy's propagation).</summary>
    private static readonly TimeSpan EndpointPropagation = TimeSpan.FromSeconds(1);

    private readonly PodTierFixture _fixture;
    private readonly Dictionary<string, string> _config;
    private readonly Dictionary<string, string> _auth;
    private readonly List<SiloPod> _pods = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _probes = [];
    private readonly string _replicaSet = Guid.NewGuid().ToString("N")[..10];
    private int _nextIndex;
    private int _roundRobin;

    public PodCluster(PodTierFixture fixture, string scenario)
    {
        _fixture = fixture;
        ServiceId = $"pods-{scenario}-{Guid.NewGuid().ToString("N")[..6]}";
        // What an operator's overlay would change: its own cluster, a function with a success destination, a real key.
        _config = fixture.Stack.ConfigMap("asyncinvoke-settings");
        _config["AsyncInvoke__Cluster__ClusterId"] = ServiceId;
        _config["AsyncInvoke__Cluster__ServiceId"] = ServiceId;
        _config[$"AsyncInvoke__Functions__{Function}__Target"] = "dotnet:sleep";
        _config[$"AsyncInvoke__Functions__{Function}__Timeout"] = "00:00:30";
        _config[$"AsyncInvoke__Functions__{Function}__OnSuccess"] = $"queue://{SuccessQueue}";
        _auth = fixture.Stack.Secret("asyncinvoke-auth");
        _auth["AsyncInvoke__Auth__ApiKeys__admin__Key"] = fixture.ApiKey;
    }

    public const string Function = "podwork";

    public const string SuccessQueue = "podwork-done";

    public string ServiceId { get; }

    public TimeSpan GracePeriod => _fixture.Stack.TerminationGracePeriod;

    public IReadOnlyList<SiloPod> Pods
    {
        get
        {
            lock (_pods)
            {
                return [.. _pods];
            }
        }
    }

    /// <summary>A new pod of the ReplicaSet (new name, new IP), ready when this returns.</summary>
    public async Task<SiloPod> StartPodAsync()
    {
        var name = $"asyncinvoke-silo-{_replicaSet}-{Interlocked.Increment(ref _nextIndex)}";
        var pod = new SiloPod(await _fixture.Network.AddPodAsync(name));
        lock (_pods)
        {
            _pods.Add(pod);
        }

        await StartContainerAsync(pod);
        _probes.Add(Task.Run(() => ProbeAsync(pod, _stopping.Token)));
        await WaitInServiceAsync(pod);
        return pod;
    }

    /// <summary>The kubelet restarting a crashed container: a new process in the same pod (same name, same IP).</summary>
    public async Task RestartContainerAsync(SiloPod pod)
    {
        if (pod.Process is { } old)
        {
            await old.DisposeAsync();
        }

        await StartContainerAsync(pod);
        await WaitInServiceAsync(pod);
    }

    /// <summary>
    /// Deletes a pod as the kubelet stops one: SIGTERM, the endpoints drop it, SIGKILL if it outlives the grace
    /// period. Returns the time from SIGTERM to exit, and whether it had to be killed.
    /// </summary>
    public async Task<(TimeSpan Exit, bool Killed)> DeletePodAsync(SiloPod pod)
    {
        var process = pod.Process!;
        var clock = Stopwatch.StartNew();
        process.Terminate();
        _ = Task.Delay(EndpointPropagation).ContinueWith(_ => pod.MarkTerminating(), TaskScheduler.Default);
        var exited = await process.WaitForExitAsync(GracePeriod);
        var exit = clock.Elapsed;
        if (!exited)
        {
            process.Kill();
        }

        pod.MarkTerminating();
        lock (_pods)
        {
            _pods.Remove(pod);
        }

        await process.DisposeAsync();
        await _fixture.Network.RemovePodAsync(pod.Sandbox);
        return (exit, !exited);
    }

    /// <summary>The next pod in the Service's endpoints, round robin; null while none is.</summary>
    public SiloPod? PickInService()
    {
        var ready = Pods.Where(p => p.InService).ToArray();
        return ready.Length == 0 ? null : ready[(int)((uint)Interlocked.Increment(ref _roundRobin) % ready.Length)];
    }

    /// <summary>Invocations whose state is final, read in the Redis pod without touching their grains.</summary>
    public async Task<HashSet<string>> FinishedAsync() =>
        [.. (await _fixture.RedisCliAsync("ZRANGE", $"asyncinvoke:{ServiceId}:wake:finished", "0", "-1")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>The success records in the success queue's stream, by request id.</summary>
    public async Task<Dictionary<string, List<string>>> SuccessRecordsAsync()
    {
        var stream = await _fixture.RedisCliAsync("XRANGE", $"asyncinvoke:{ServiceId}:queue:{SuccessQueue}", "-", "+");
        return stream.Split('\n')
            .Select(line => (Line: line, Match: RecordRequestId().Match(line)))
            .Where(l => l.Match.Success)
            .GroupBy(l => l.Match.Groups[1].Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(l => l.Line).ToList(), StringComparer.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_probes).ContinueWith(_ => { }, TaskScheduler.Default);
        foreach (var pod in Pods)
        {
            if (pod.Process is { } process)
            {
                await process.DisposeAsync();
            }

            await _fixture.Network.RemovePodAsync(pod.Sandbox);
        }

        _stopping.Dispose();
    }

    /// <summary>The container: the published silo in the pod's namespace with the pod's environment, nothing of the test's.</summary>
    private async Task StartContainerAsync(SiloPod pod)
    {
        var start = new ProcessStartInfo("ip", ["netns", "exec", pod.Sandbox.Namespace, "dotnet", Path.Combine(_fixture.App, "Orleans.AsyncInvoke.Silo.dll")])
        {
            WorkingDirectory = _fixture.App,
        };
        start.Environment.Clear();
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH");
        start.Environment["HOME"] = Path.GetTempPath();
        foreach (var (key, value) in _fixture.Stack.PodEnvironment(pod.Name, pod.Sandbox.Ip, _fixture.ImageEnvironment,
            name => name == "asyncinvoke-settings" ? _config : _fixture.Stack.ConfigMap(name),
            name => name == "asyncinvoke-auth" ? _auth : _fixture.Stack.Secret(name)))
        {
            start.Environment[key] = value;
        }

        pod.Process = await SiloProcess.LaunchAsync(start, async () => (await _fixture.Http.GetAsync(new Uri(pod.Endpoint, "/readyz"))).IsSuccessStatusCode, TimeSpan.FromSeconds(120));
    }

    private Task WaitInServiceAsync(SiloPod pod) =>
        Infrastructure.Eventually.TrueAsync(() => pod.InService, $"{pod.Name} in the Service's endpoints", TimeSpan.FromSeconds(30));

    /// <summary>The kubelet's readiness probe as the Deployment defines it.</summary>
    private async Task ProbeAsync(SiloPod pod, CancellationToken stopping)
    {
        var period = TimeSpan.FromSeconds(_fixture.Stack.ReadinessProbe("periodSeconds"));
        var timeout = TimeSpan.FromSeconds(_fixture.Stack.ReadinessProbe("timeoutSeconds"));
        var failureThreshold = _fixture.Stack.ReadinessProbe("failureThreshold");
        var failures = 0;
        while (!stopping.IsCancellationRequested && Pods.Contains(pod))
        {
            bool ok;
            try
            {
                using var probe = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                probe.CancelAfter(timeout);
                using var response = await _fixture.Http.GetAsync(new Uri(pod.Endpoint, "/readyz"), probe.Token);
                ok = response.StatusCode == HttpStatusCode.OK;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                ok = false;
            }

            failures = ok ? 0 : failures + 1;
            if (ok)
            {
                pod.ProbedReady = true;
            }
            else if (failures >= failureThreshold)
            {
                pod.ProbedReady = false;
            }

            try
            {
                await Task.Delay(period, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [GeneratedRegex("\"requestId\":\"([^\"]+)\"")]
    private static partial Regex RecordRequestId();
}
