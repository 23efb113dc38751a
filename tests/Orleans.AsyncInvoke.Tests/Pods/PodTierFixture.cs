using System.Diagnostics;
using System.Security.Cryptography;
using Orleans.AsyncInvoke.Testing;

namespace Orleans.AsyncInvoke.Tests.Pods;

/// <summary>
/// What every pod scenario shares, as a cluster's nodes would: the pod network, the Redis of the manifests in a pod
/// of its own (as its StatefulSet runs it), the silo's published output (what the image holds), the rendered
/// manifests and a client pod whose sockets the test's HTTP clients use.
/// </summary>
public sealed class PodTierFixture : IAsyncLifetime
{
    /// <summary>Why the tier cannot run on this machine, or null when it can.</summary>
    public static readonly string? Unavailable = PodNetwork.WhyUnavailable();

    private readonly string _work = Path.Combine(Path.GetTempPath(), $"asyncinvoke-pods-{Guid.NewGuid():N}");
    private PodNetwork? _network;
    private NamespaceSockets? _clientSockets;
    private SiloProcess? _redis;

    internal PodNetwork Network => _network!;

    internal RenderedStack Stack { get; private set; } = null!;

    internal PodSandbox RedisPod { get; private set; } = null!;

    /// <summary>The directory of the published silo, the image's <c>/app</c>.</summary>
    internal string App => Path.Combine(_work, "app");

    internal Dictionary<string, string> ImageEnvironment { get; private set; } = null!;

    /// <summary>The admin API key put into the Secret asyncinvoke-auth in place of its placeholder.</summary>
    internal string ApiKey { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>HTTP from the client pod: the load, status reads and the kubelet's probes.</summary>
    internal HttpClient Http { get; private set; } = null!;

    /// <summary>Where the figures of every scenario are written for the test command to print.</summary>
    internal static string FiguresFile => Path.Combine(SiloProcess.RepositoryRoot(), "artifacts", "test-results", "pod-tier.txt");

    public async Task InitializeAsync()
    {
        if (Unavailable is not null)
        {
            return;
        }

        var root = SiloProcess.RepositoryRoot();
        Directory.CreateDirectory(_work);
        Stack = RenderedStack.Render(root, "deploy/kubernetes/base");
        ImageEnvironment = RenderedStack.ImageEnvironment(Path.Combine(root, "deploy", "Dockerfile"));
        await PublishAsync(root);

        _network = await PodNetwork.CreateAsync();
        RedisPod = await _network.AddPodAsync("asyncinvoke-redis-0", "asyncinvoke-redis", "asyncinvoke-redis.asyncinvoke.svc.cluster.local");
        await StartRedisAsync();
        var client = await _network.AddPodAsync("client");
        _clientSockets = new NamespaceSockets(client.Namespace);
        Http = _clientSockets.CreateHttpClient(TimeSpan.FromSeconds(15));
    }

    /// <summary>Runs <c>redis-cli</c> in the Redis pod; returns its raw output.</summary>
    internal Task<string> RedisCliAsync(params string[] args) => PodNetwork.ExecAsync(RedisPod.Namespace, ["redis-cli", "--raw", .. args]);

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        _clientSockets?.Dispose();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_network is not null)
        {
            await _network.DisposeAsync();
        }

        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory is harmless.
        }
    }

    /// <summary>The image's build step without the image: <c>dotnet publish</c> of the silo, from the build already made.</summary>
    private async Task PublishAsync(string root)
    {
        var start = new ProcessStartInfo("dotnet", ["publish", Path.Combine(root, "silo", "Orleans.AsyncInvoke.Silo.csproj"), "-c", SiloProcess.BuildConfiguration, "--no-build", "--nologo", "-o", App])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var publish = Process.Start(start)!;
        var output = publish.StandardOutput.ReadToEndAsync();
        var error = publish.StandardError.ReadToEndAsync();
        await publish.WaitForExitAsync();
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed ({publish.ExitCode}): {await output}{await error}");
        }
    }

    /// <summary>redis-server with the StatefulSet's arguments; its volume (<c>--dir</c>) is a directory of this run.</summary>
    private async Task StartRedisAsync()
    {
        var container = (System.Text.Json.Nodes.JsonObject)Stack.Get("StatefulSet", "asyncinvoke-redis")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        var mount = container["volumeMounts"]![0]!["mountPath"]!.ToString();
        var data = Path.Combine(_work, "redis-data");
        Directory.CreateDirectory(data);
        var start = new ProcessStartInfo("ip", ["netns", "exec", RedisPod.Namespace, "redis-server"]);
        foreach (var arg in container["args"]!.AsArray())
        {
            start.ArgumentList.Add(arg!.ToString() == mount ? data : arg!.ToString());
        }

        _redis = await SiloProcess.LaunchAsync(start, async () =>
        {
            try
            {
                return (await RedisCliAsync("ping")).Trim() == "PONG";
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20));
    }
}
