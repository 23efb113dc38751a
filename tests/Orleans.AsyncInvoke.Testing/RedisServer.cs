using System.Diagnostics;
using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Testing;

/// <summary>
/// A real <c>redis-server</c> on a free port with its own temporary directory (append-only file on).
/// <paramref name="extraArguments"/> come after the defaults and so override them (a password, TLS);
/// <paramref name="clientOptions"/> and <paramref name="trustedCaPath"/> are what a client then needs to connect.
/// </summary>
public sealed class RedisServer(IReadOnlyList<string>? extraArguments = null, string clientOptions = "", string? trustedCaPath = null) : IAsyncDisposable
{
    private Process? _process;

    public int Port { get; } = FreePort.Next();

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"asyncinvoke-redis-{Guid.NewGuid():N}");

    public string ConnectionString => $"127.0.0.1:{Port}{clientOptions}";

    public async Task StartAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var start = new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", Directory, "--appendonly", "yes", "--appendfsync", "everysec", "--save", "" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in extraArguments ?? [])
        {
            start.ArgumentList.Add(argument.Replace("{port}", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not installed: scripts/test.sh installs it (apt-get install redis-server).", ex);
        }

        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var options = ConfigurationOptions.Parse($"{ConnectionString},connectTimeout=500");
                if (trustedCaPath is not null)
                {
                    options.TrustIssuer(trustedCaPath);
                }

                await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
                await connection.GetDatabase().PingAsync();
                return;
            }
            catch (Exception ex) when ((ex is RedisConnectionException || IsLoading(ex)) && deadline.Elapsed < TimeSpan.FromSeconds(20) && !_process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>
    /// Stops the server as an operator would (<c>SHUTDOWN</c>: the append-only file is flushed) and starts it again
    /// on the same port and directory after <paramref name="downtime"/>.
    /// </summary>
    public async Task RestartAsync(TimeSpan downtime)
    {
        await StopAsync();
        await Task.Delay(downtime);
        await StartAsync();
    }

    /// <summary>Stops the server as an operator would (<c>SHUTDOWN</c>: the append-only file is flushed); <see cref="StartAsync"/> starts it again.</summary>
    public async Task StopAsync()
    {
        using (var shutdown = Process.Start(new ProcessStartInfo("redis-cli", ["-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "shutdown"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!)
        {
            await shutdown.WaitForExitAsync();
        }

        await _process!.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>A restarted server answers LOADING while it replays its append-only file.</summary>
    private static bool IsLoading(Exception ex) => ex is RedisServerException && ex.Message.StartsWith("LOADING", StringComparison.Ordinal);

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
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

        return ValueTask.CompletedTask;
    }
}
