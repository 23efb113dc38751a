using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Testing;

/// <summary>
/// A real Redis Cluster: <paramref name="masters"/> <c>redis-server --cluster-enabled yes</c> processes, each with
/// <paramref name="replicasPerMaster"/> replicas, on free ports (client and cluster bus) with their own temporary
/// directories, joined by <c>redis-cli --cluster create</c>. Ready when every node's <c>CLUSTER INFO</c> says
/// <c>cluster_state:ok</c> and every replica's link to its master is up.
/// </summary>
public sealed class RedisCluster(int masters = 3, int replicasPerMaster = 0) : IAsyncDisposable
{
    /// <summary>How long a node may be unreachable before the others count it failed (and promote a replica).</summary>
    public static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(2);

    private readonly List<Node> _nodes = [.. Enumerable.Range(0, masters * (1 + replicasPerMaster)).Select(_ => new Node())];
    private ConnectionMultiplexer? _admin;

    /// <summary>Why a cluster cannot be started here, or <c>null</c> when it can.</summary>
    public static string? WhyUnavailable() =>
        OnPath("redis-server") && OnPath("redis-cli") ? null : "redis-server and redis-cli are needed (scripts/test.sh installs them: apt-get install redis-server)";

    /// <summary>Every node's client port.</summary>
    public IReadOnlyList<int> Ports => [.. _nodes.Select(n => n.Port)];

    /// <summary>A connection string naming every node (a client discovers the slots from any of them).</summary>
    public string ConnectionString => string.Join(',', _nodes.Select(n => $"127.0.0.1:{n.Port}"));

    public async Task StartAsync()
    {
        foreach (var node in _nodes)
        {
            node.Start();
        }

        foreach (var node in _nodes)
        {
            await node.WaitUntilAnsweringAsync();
        }

        var create = new List<string> { "--cluster", "create" };
        create.AddRange(_nodes.Select(n => $"127.0.0.1:{n.Port}"));
        create.AddRange(["--cluster-replicas", replicasPerMaster.ToString(CultureInfo.InvariantCulture), "--cluster-yes"]);
        var (code, output) = await RunAsync("redis-cli", create);
        if (code != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster create failed ({code}): {output}");
        }

        _admin = await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},allowAdmin=true,abortConnect=false");
        await WaitUntilHealthyAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Waits until every running node says <c>cluster_state:ok</c> and every running replica's master link is up.</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan patience)
    {
        var deadline = Stopwatch.StartNew();
        string? last = null;
        while (deadline.Elapsed < patience)
        {
            last = await UnhealthyAsync();
            if (last is null)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The Redis Cluster was not healthy within {patience}: {last}");
    }

    /// <summary>The client ports of the nodes that are masters now, with the ports of their replicas.</summary>
    public async Task<IReadOnlyDictionary<int, IReadOnlyList<int>>> TopologyAsync()
    {
        var lines = ((string)(await Server(_nodes.First(n => n.Running).Port).ExecuteAsync("CLUSTER", "NODES"))!)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' '))
            .Where(f => !f[2].Contains("fail", StringComparison.Ordinal))
            .ToList();
        int Port(string[] f) => int.Parse(f[1].Split('@')[0].Split(':')[1], CultureInfo.InvariantCulture);
        var mastersById = lines.Where(f => f[2].Contains("master", StringComparison.Ordinal)).ToDictionary(f => f[0], Port);
        return mastersById.ToDictionary(
            m => m.Value,
            m => (IReadOnlyList<int>)[.. lines.Where(f => f[3] == m.Key).Select(Port)]);
    }

    /// <summary>How many keys the node on <paramref name="port"/> holds (<c>DBSIZE</c>).</summary>
    public async Task<long> KeyCountAsync(int port) => (long)await Server(port).ExecuteAsync("DBSIZE");

    /// <summary>The keys of the node on <paramref name="port"/> that match <paramref name="pattern"/>.</summary>
    public IEnumerable<RedisKey> Keys(int port, string pattern) => Server(port).Keys(pattern: pattern, pageSize: 1000);

    /// <summary>Kills the node on <paramref name="port"/> (SIGKILL: no last write reaches its replicas).</summary>
    public void Kill(int port) => NodeOn(port).Kill();

    /// <summary>Freezes the node on <paramref name="port"/> (SIGSTOP): it takes nothing from its master until <see cref="Resume"/>.</summary>
    public void Pause(int port) => Signal(NodeOn(port), "STOP");

    /// <summary>
    /// Closes the master's links to its replicas (<c>CLIENT KILL TYPE replica</c>). A replica frozen by <see cref="Pause"/>
    /// cannot link again, so from then on it misses every write, as a replica cut off by the network would; what was
    /// already in its socket's buffer it still reads when it runs again.
    /// </summary>
    public Task CutReplicasAsync(int masterPort) => Server(masterPort).ExecuteAsync("CLIENT", "KILL", "TYPE", "replica");

    /// <summary>Lets a frozen node run again (SIGCONT).</summary>
    public void Resume(int port) => Signal(NodeOn(port), "CONT");

    public async ValueTask DisposeAsync()
    {
        if (_admin is not null)
        {
            await _admin.DisposeAsync();
        }

        foreach (var node in _nodes)
        {
            node.Dispose();
        }
    }

    private IServer Server(int port) => _admin!.GetServer("127.0.0.1", port);

    private Node NodeOn(int port) => _nodes.Single(n => n.Port == port);

    private async Task<string?> UnhealthyAsync()
    {
        foreach (var node in _nodes.Where(n => n.Running))
        {
            try
            {
                var info = (string)(await Server(node.Port).ExecuteAsync("CLUSTER", "INFO"))!;
                if (!info.Contains("cluster_state:ok", StringComparison.Ordinal))
                {
                    return $"node {node.Port} is not ok";
                }

                var replication = (string)(await Server(node.Port).ExecuteAsync("INFO", "replication"))!;
                if (replication.Contains("role:slave", StringComparison.Ordinal) && !replication.Contains("master_link_status:up", StringComparison.Ordinal))
                {
                    return $"replica {node.Port} has no link to its master yet";
                }
            }
            catch (RedisException ex)
            {
                return $"node {node.Port}: {ex.Message}";
            }
        }

        return null;
    }

    private static void Signal(Node node, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", node.ProcessId.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, program)));

    private static async Task<(int Code, string Output)> RunAsync(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    private sealed class Node : IDisposable
    {
        private readonly Queue<string> _output = new();
        private Process? _process;

        public int Port { get; } = FreePort.Next();

        /// <summary>The cluster bus port (by default the client port + 10000, which a free port need not leave room for).</summary>
        public int BusPort { get; } = FreePort.Next();

        public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"asyncinvoke-rcluster-{Guid.NewGuid():N}");

        public bool Running => _process is { HasExited: false };

        public int ProcessId => _process!.Id;

        public void Start()
        {
            System.IO.Directory.CreateDirectory(Directory);
            var start = new ProcessStartInfo("redis-server")
            {
                ArgumentList =
                {
                    "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", Directory,
                    "--cluster-enabled", "yes", "--cluster-port", BusPort.ToString(CultureInfo.InvariantCulture),
                    "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", ((int)NodeTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
                    // A replica that lagged (or was frozen) still takes over from its failed master: the loss that
                    // asynchronous replication allows is what the failover tests measure.
                    "--cluster-replica-validity-factor", "0",
                    "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
                },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
            _process.OutputDataReceived += (_, e) => Remember(e.Data);
            _process.ErrorDataReceived += (_, e) => Remember(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public async Task WaitUntilAnsweringAsync()
        {
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    await using var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port},connectTimeout=500");
                    await connection.GetServer("127.0.0.1", Port).PingAsync();
                    return;
                }
                catch (RedisConnectionException) when (deadline.Elapsed < TimeSpan.FromSeconds(20) && Running)
                {
                    await Task.Delay(100);
                }
                catch (RedisConnectionException ex)
                {
                    throw new InvalidOperationException($"redis-server on {Port} (bus {BusPort}) did not answer; it said: {string.Join(" | ", _output)}", ex);
                }
            }
        }

        private void Remember(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.Enqueue(line);
                if (_output.Count > 20)
                {
                    _output.Dequeue();
                }
            }
        }

        public void Kill()
        {
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }

        public void Dispose()
        {
            if (_process is { HasExited: false })
            {
                // A frozen process must run again to die of anything but SIGKILL; Kill is SIGKILL.
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            _process?.Dispose();
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary directory is harmless.
            }
        }
    }
}
