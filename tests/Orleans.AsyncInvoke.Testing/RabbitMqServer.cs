using System.Diagnostics;
using System.Globalization;
using RabbitMQ.Client;

namespace Orleans.AsyncInvoke.Testing;

/// <summary>
/// A real <c>rabbitmq-server</c> as a child process: its own node name, AMQP and distribution ports, data, log and
/// <c>HOME</c> directories (so it writes its own Erlang cookie), no plugins, and a user of its own. Stopping it is an
/// operator's stop (SIGTERM: the node shuts down cleanly); starting it again keeps its data, durable queues included.
/// </summary>
public sealed class RabbitMqServer : IAsyncDisposable
{
    /// <summary>The Debian package's server script, which runs as the caller (the one on the PATH switches to the rabbitmq user).</summary>
    private const string DebianServer = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    /// <summary>Erlang boots slowly on a loaded two-core machine; a node that is not up by then is not coming.</summary>
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(120);

    private Process? _process;

    public RabbitMqServer()
    {
        NodeName = $"rabbit-test-{Port.ToString(CultureInfo.InvariantCulture)}@localhost";
    }

    /// <summary>Why no server can be started here (not installed), or <c>null</c>.</summary>
    public static string? WhyUnavailable() =>
        File.Exists(DebianServer) ? null : "rabbitmq-server is not installed (scripts/test.sh installs it: apt-get install rabbitmq-server)";

    public int Port { get; } = FreePort.Next();

    public int DistributionPort { get; } = FreePort.Next();

    public string NodeName { get; }

    public string UserName => "asyncinvoke";

    public string Password { get; } = $"pw-{Guid.NewGuid():N}";

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"asyncinvoke-rabbitmq-{Guid.NewGuid():N}");

    /// <summary>An AMQP URI of the default virtual host, with this server's credentials.</summary>
    public string Uri => $"amqp://{UserName}:{Password}@127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/";

    public bool IsRunning => _process is { HasExited: false };

    public async Task StartAsync()
    {
        if (WhyUnavailable() is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        Prepare();
        var start = new ProcessStartInfo(DebianServer)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        start.Environment["HOME"] = Path.Combine(Directory, "home");
        start.Environment["RABBITMQ_NODENAME"] = NodeName;
        start.Environment["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
        start.Environment["RABBITMQ_NODE_PORT"] = Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["RABBITMQ_DIST_PORT"] = DistributionPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(Directory, "mnesia");
        start.Environment["RABBITMQ_LOG_BASE"] = Path.Combine(Directory, "log");
        start.Environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(Directory, "enabled_plugins");
        start.Environment["RABBITMQ_CONFIG_FILE"] = Path.Combine(Directory, "rabbitmq.config");
        start.Environment["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(Directory, "rabbitmq-env.conf");

        _process = Process.Start(start) ?? throw new InvalidOperationException("rabbitmq-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // Its stdin closed at once: an Erlang node with input allowed would read EOF from it and stop.
        _process.StandardInput.Close();

        await WaitUntilAcceptingAsync();
    }

    /// <summary>A connection as the server's user, for declaring, consuming and checking.</summary>
    public Task<IConnection> ConnectAsync() => Factory().CreateConnectionAsync();

    /// <summary>Stops the node cleanly; <see cref="StartAsync"/> starts it again on the same ports and data.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        // The script waits on the Erlang VM, its child: the VM is what takes SIGTERM as a clean shutdown.
        foreach (var child in Children(process.Id))
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", child.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory is harmless.
        }
    }

    private void Prepare()
    {
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "home"));
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "mnesia"));
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "log"));
        File.WriteAllText(Path.Combine(Directory, "enabled_plugins"), "[].\n");
        // An empty environment file, so the machine's /etc/rabbitmq/rabbitmq-env.conf does not apply.
        File.WriteAllText(Path.Combine(Directory, "rabbitmq-env.conf"), "");
        // The classic configuration format: read as it is, without the schema translation rabbitmq.conf needs at boot.
        File.WriteAllText(Path.Combine(Directory, "rabbitmq.config"), $$"""
            [{rabbit, [
              {default_user, <<"{{UserName}}">>},
              {default_pass, <<"{{Password}}">>},
              {default_permissions, [<<".*">>, <<".*">>, <<".*">>]},
              {tcp_listeners, [{"127.0.0.1", {{Port.ToString(CultureInfo.InvariantCulture)}}}]}
            ]}].
            """);
    }

    private ConnectionFactory Factory() => new()
    {
        HostName = "127.0.0.1",
        Port = Port,
        UserName = UserName,
        Password = Password,
        RequestedConnectionTimeout = TimeSpan.FromSeconds(2),
        AutomaticRecoveryEnabled = false,
    };

    private async Task WaitUntilAcceptingAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = await Factory().CreateConnectionAsync();
                return;
            }
            catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException)
            {
                if (_process!.HasExited || deadline.Elapsed > StartDeadline)
                {
                    throw new InvalidOperationException(
                        $"rabbitmq-server {NodeName} did not accept AMQP connections on port {Port} within {StartDeadline.TotalSeconds} s{(_process.HasExited ? $" (it exited with {_process.ExitCode})" : "")}; its log: {LogTail()}", ex);
                }

                await Task.Delay(200);
            }
        }
    }

    private string LogTail()
    {
        var log = Path.Combine(Directory, "log", $"{NodeName}.log");
        return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : "(none written)";
    }

    private static IEnumerable<int> Children(int pid)
    {
        var path = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task/{pid.ToString(CultureInfo.InvariantCulture)}/children";
        return File.Exists(path)
            ? File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))
            : [];
    }
}
