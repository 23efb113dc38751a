using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Orleans.AsyncInvoke.Testing;

/// <summary>The real silo executable, started as its own process, with its output captured for the test to await.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly ConcurrentQueue<(Func<string, bool> Match, TaskCompletionSource Done)> _waiters = new();

    private SiloProcess(Process process)
    {
        _process = process;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The operating-system id of the silo process (for <c>/proc/&lt;pid&gt;/status</c>, say).</summary>
    public int ProcessId => _process.Id;

    public static Task<SiloProcess> StartAsync(int httpPort, IReadOnlyDictionary<string, string> environment) =>
        StartAsync(httpPort, environment, TimeSpan.FromSeconds(60));

    /// <summary>Starts the silo and waits up to <paramref name="readyTimeout"/> for <c>/readyz</c> to answer 2xx.</summary>
    /// <paramref name="urls"/> replaces <c>http://127.0.0.1:&lt;httpPort&gt;</c>; readiness is still asked on loopback.
    public static async Task<SiloProcess> StartAsync(int httpPort, IReadOnlyDictionary<string, string> environment, TimeSpan readyTimeout, string? workingDirectory = null, string? urls = null)
    {
        var directory = SiloDirectory();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(directory, "Orleans.AsyncInvoke.Silo.dll"), "--urls", urls ?? $"http://127.0.0.1:{httpPort}" },
            WorkingDirectory = workingDirectory ?? directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        return await LaunchAsync(start, async () => (await http.GetAsync(new Uri($"http://127.0.0.1:{httpPort}/readyz"))).IsSuccessStatusCode, readyTimeout);
    }

    /// <summary>
    /// Starts a silo process as <paramref name="start"/> describes (inside a network namespace, say) and waits up to
    /// <paramref name="readyTimeout"/> for <paramref name="isReady"/>; failed connections count as not ready yet.
    /// </summary>
    public static async Task<SiloProcess> LaunchAsync(ProcessStartInfo start, Func<Task<bool>> isReady, TimeSpan readyTimeout)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var silo = new SiloProcess(Process.Start(start)!);
        silo._process.OutputDataReceived += (_, e) => silo.OnLine(e.Data);
        silo._process.ErrorDataReceived += (_, e) => silo.OnLine(e.Data);
        silo._process.BeginOutputReadLine();
        silo._process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < readyTimeout)
        {
            if (silo._process.HasExited)
            {
                // Waits for the redirected output to drain, so the message holds everything the silo said.
                await silo._process.WaitForExitAsync();
                throw new InvalidOperationException($"The silo exited with {silo._process.ExitCode}:\n{silo.Output}");
            }

            try
            {
                if (await isReady())
                {
                    return silo;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(200);
        }

        await silo.DisposeAsync();
        throw new TimeoutException($"The silo did not become ready:\n{silo.Output}");
    }

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>SIGTERM, as the kubelet stops a container or an operator stops a service; returns at once.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>Waits for the process to exit; false when it still runs after <paramref name="patience"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Completes when a line of output contains every one of <paramref name="fragments"/>.</summary>
    public Task WaitForLineAsync(params string[] fragments)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool Match(string line) => fragments.All(f => line.Contains(f, StringComparison.Ordinal));
        _waiters.Enqueue((Match, done));
        if (Output.Split('\n').Any(Match))
        {
            done.TrySetResult();
        }

        return done.Task;
    }

    /// <summary>SIGKILL: no shutdown, no flush, as a crash or an OOM kill.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        foreach (var (match, done) in _waiters)
        {
            if (!done.Task.IsCompleted && match(line))
            {
                done.TrySetResult();
            }
        }
    }

    /// <summary>The silo's build output, beside this test assembly's in the same configuration.</summary>
    private static string SiloDirectory()
    {
        var testDirectory = new DirectoryInfo(AppContext.BaseDirectory);
        var directory = Path.Combine(RepositoryRoot(), "silo", "bin", BuildConfiguration, testDirectory.Name);
        return File.Exists(Path.Combine(directory, "Orleans.AsyncInvoke.Silo.dll"))
            ? directory
            : throw new FileNotFoundException($"Build the silo first: {directory} has no Orleans.AsyncInvoke.Silo.dll.");
    }

    /// <summary>The configuration (Release, Debug) this test assembly was built in.</summary>
    public static string BuildConfiguration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    /// <summary>The repository's root: the directory above the test assembly that holds the solution.</summary>
    public static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Orleans.AsyncInvoke.sln")))
        {
            root = root.Parent;
        }

        return root?.FullName ?? throw new DirectoryNotFoundException("Orleans.AsyncInvoke.sln not found above the test assembly.");
    }
}
