using System.Diagnostics;
using System.Globalization;

namespace Orleans.AsyncInvoke.Tests.Pods;

/// <summary>One pod's sandbox: its network namespace and its pod IP.</summary>
internal sealed record PodSandbox(string Name, string Namespace, string Ip);

/// <summary>
/// A pod network as a node's CNI plugin builds one, out of Linux network namespaces: a bridge in a namespace of its
/// own, and per pod a namespace with loopback and an <c>eth0</c> (a veth whose peer is on the bridge) holding the pod
/// IP. Every address lives inside namespaces this creates (none in the test's own namespace), and names resolve as
/// cluster DNS would resolve them, from <c>/etc/netns/&lt;namespace&gt;/hosts</c> (which <c>ip netns exec</c> mounts
/// over <c>/etc/hosts</c>).
/// </summary>
internal sealed class PodNetwork : IAsyncDisposable
{
    private const string Subnet = "10.244.0";
    private readonly string _prefix = $"ai{Guid.NewGuid().ToString("N")[..6]}";
    private readonly List<string> _namespaces = [];
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private int _nextHost = 1;

    private PodNetwork()
    {
    }

    private string BridgeNamespace => $"{_prefix}-br";

    /// <summary>Creates the bridge namespace; deletes what it made if a step fails.</summary>
    public static async Task<PodNetwork> CreateAsync()
    {
        var network = new PodNetwork();
        try
        {
            await network.AddNamespaceAsync(network.BridgeNamespace);
            await IpAsync("-n", network.BridgeNamespace, "link", "add", "br0", "type", "bridge");
            await IpAsync("-n", network.BridgeNamespace, "link", "set", "br0", "up");
            return network;
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Adds a pod: a namespace wired to the bridge with the next pod IP. <paramref name="dnsNames"/> (a Service name,
    /// say) resolve to this pod in every pod added after.
    /// </summary>
    public async Task<PodSandbox> AddPodAsync(string podName, params string[] dnsNames)
    {
        var host = Interlocked.Increment(ref _nextHost);
        var ns = $"{_prefix}-p{host.ToString(CultureInfo.InvariantCulture)}";
        var ip = $"{Subnet}.{host.ToString(CultureInfo.InvariantCulture)}";
        var veth = $"veth{host.ToString(CultureInfo.InvariantCulture)}";
        await AddNamespaceAsync(ns);
        // Both ends are made in the bridge's namespace and one is moved at once: no interface name ever exists in the
        // test's own namespace.
        await IpAsync("-n", BridgeNamespace, "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
        await IpAsync("-n", BridgeNamespace, "link", "set", veth, "master", "br0");
        await IpAsync("-n", BridgeNamespace, "link", "set", veth, "up");
        await IpAsync("-n", ns, "addr", "add", $"{ip}/24", "dev", "eth0");
        await IpAsync("-n", ns, "link", "set", "eth0", "up");
        lock (_names)
        {
            foreach (var name in dnsNames)
            {
                _names[name] = ip;
            }

            var hosts = new List<string> { "127.0.0.1 localhost", "::1 localhost", $"{ip} {podName}" };
            hosts.AddRange(_names.Where(n => n.Value != ip).Select(n => $"{n.Value} {n.Key}"));
            var directory = Path.Combine("/etc/netns", ns);
            Directory.CreateDirectory(directory);
            File.WriteAllLines(Path.Combine(directory, "hosts"), hosts);
        }

        return new PodSandbox(podName, ns, ip);
    }

    /// <summary>Deletes a pod's namespace (its processes must have exited) once the pod is gone.</summary>
    public async Task RemovePodAsync(PodSandbox pod)
    {
        await DeleteNamespaceAsync(pod.Namespace);
        lock (_namespaces)
        {
            _namespaces.Remove(pod.Namespace);
        }
    }

    /// <summary>Runs <c>ip netns exec &lt;namespace&gt; &lt;command&gt;</c> to the end; returns its standard output.</summary>
    public static async Task<string> ExecAsync(string ns, params string[] command)
    {
        var (code, output, error) = await RunAsync("ip", ["netns", "exec", ns, .. command]);
        return code == 0 ? output : throw new InvalidOperationException($"{string.Join(' ', command)} in {ns} exited with {code}: {error}");
    }

    public async ValueTask DisposeAsync()
    {
        string[] namespaces;
        lock (_namespaces)
        {
            namespaces = [.. _namespaces];
            _namespaces.Clear();
        }

        foreach (var ns in namespaces.Reverse())
        {
            await DeleteNamespaceAsync(ns);
        }
    }

    /// <summary>Whether this machine lets the test make namespaces (root with iproute2); the reason when not.</summary>
    public static string? WhyUnavailable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces need Linux";
        }

        if (Environment.UserName != "root")
        {
            return $"network namespaces need root (running as {Environment.UserName})";
        }

        var probe = $"aiprobe{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";
        try
        {
            var (code, _, error) = RunAsync("ip", ["netns", "add", probe]).GetAwaiter().GetResult();
            if (code != 0)
            {
                return $"ip netns add failed: {error.Trim()}";
            }

            RunAsync("ip", ["netns", "del", probe]).GetAwaiter().GetResult();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "iproute2 (ip) is not installed: scripts/test.sh installs it";
        }

        try
        {
            RunAsync("kubectl", ["version", "--client"]).GetAwaiter().GetResult();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "kubectl is not installed: scripts/test.sh installs it";
        }

        return null;
    }

    private async Task AddNamespaceAsync(string ns)
    {
        await RunCheckedAsync("ip", "netns", "add", ns);
        lock (_namespaces)
        {
            _namespaces.Add(ns);
        }

        await IpAsync("-n", ns, "link", "set", "lo", "up");
    }

    private static async Task DeleteNamespaceAsync(string ns)
    {
        await RunAsync("ip", ["netns", "del", ns]);
        try
        {
            Directory.Delete(Path.Combine("/etc/netns", ns), recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // No hosts file was written for it.
        }
    }

    private static Task IpAsync(params string[] args) => RunCheckedAsync("ip", args);

    private static async Task RunCheckedAsync(string file, params string[] args)
    {
        var (code, _, error) = await RunAsync(file, args);
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {code}: {error}");
        }
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
