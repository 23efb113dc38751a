using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;

namespace Orleans.AsyncInvoke.Execution.Process;

/// <summary>
/// Runs <c>exec:&lt;command line&gt;</c> targets: one process per attempt, the event on stdin, the response on
/// stdout, stderr to the silo log. Exit code 0 is success; anything else is a function error whose message is the
/// last line of stderr. At the deadline the whole process tree is killed.
/// </summary>
internal sealed partial class ProcessFunctionRuntime(IOptions<AsyncInvokeOptions> options, ILogger<ProcessFunctionRuntime> logger) : IFunctionRuntime
{
    public const string Scheme = "exec:";
    private const int MaxErrorMessageBytes = 1024;

    public bool CanRun(string target) => target.StartsWith(Scheme, StringComparison.Ordinal);

    public bool RunsLocalPrograms => true;

    public string? Validate(string target)
    {
        try
        {
            return CommandLine.Split(target[Scheme.Length..]).Count == 0 ? "The exec: target names no command." : null;
        }
        catch (FormatException ex)
        {
            return $"The exec: target cannot be parsed: {ex.Message}";
        }
    }

    public async Task<byte[]> InvokeAsync(FunctionDefinition function, FunctionContext context, CancellationToken cancellationToken)
    {
        var words = CommandLine.Split(function.Target[Scheme.Length..]);
        var start = new ProcessStartInfo(words[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in words.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in function.Environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["ASYNCINVOKE_REQUEST_ID"] = context.RequestId;
        start.Environment["ASYNCINVOKE_ATTEMPT"] = context.Attempt.ToString(CultureInfo.InvariantCulture);
        start.Environment["ASYNCINVOKE_FUNCTION_NAME"] = context.FunctionName;
        start.Environment["ASYNCINVOKE_DEADLINE_MS"] = context.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

        using var process = new System.Diagnostics.Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new FunctionErrorException("Runtime.ExecError", $"Could not start '{words[0]}': {ex.Message}");
        }

        using var kill = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, kill.Token);
        var stderr = new StderrTail(logger, function.Name, context.RequestId);
        try
        {
            var errors = stderr.PumpAsync(process.StandardError, linked.Token);
            var output = BoundedReader.ReadAsync(process.StandardOutput.BaseStream, options.Value.MaxResponseBytes, linked.Token);
            await WriteInputAsync(process, context.Payload, linked.Token);
            var response = await output;
            await process.WaitForExitAsync(linked.Token);
            await errors;
            if (process.ExitCode != 0)
            {
                throw new FunctionErrorException("Runtime.ExitError",
                    stderr.LastLine ?? $"RequestId: {context.RequestId} Error: Runtime exited with error: exit status {process.ExitCode}");
            }

            return response;
        }
        finally
        {
            if (!process.HasExited)
            {
                // Timeout, oversized output or a failed write: nothing of the attempt may outlive it.
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }

            await kill.CancelAsync();
        }
    }

    private static async Task WriteInputAsync(System.Diagnostics.Process process, byte[] payload, CancellationToken cancellationToken)
    {
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(payload, cancellationToken);
            await process.StandardInput.BaseStream.FlushAsync(cancellationToken);
        }
        catch (IOException)
        {
            // The process closed its stdin without reading it all; its exit code decides the outcome.
        }
        finally
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // Same as above.
            }
        }
    }

    /// <summary>Forwards stderr to the log line by line and keeps the last non-empty line (cut at 1 KB).</summary>
    private sealed partial class StderrTail(ILogger logger, string functionName, string requestId)
    {
        public string? LastLine { get; private set; }

        public async Task PumpAsync(StreamReader reader, CancellationToken cancellationToken)
        {
            try
            {
                while (await reader.ReadLineAsync(cancellationToken) is { } line)
                {
                    if (line.Length == 0)
                    {
                        continue;
                    }

                    LogStderr(logger, functionName, requestId, line.Length > 4096 ? line[..4096] : line);
                    LastLine = Cut(line);
                }
            }
            catch (OperationCanceledException)
            {
                // The attempt ended; whatever was read is kept.
            }
        }

        private static string Cut(string line)
        {
            if (Encoding.UTF8.GetByteCount(line) <= MaxErrorMessageBytes)
            {
                return line;
            }

            var bytes = Encoding.UTF8.GetBytes(line);
            return Encoding.UTF8.GetString(bytes, 0, MaxErrorMessageBytes).TrimEnd('\uFFFD');
        }

        [LoggerMessage(EventId = LogEvents.ProcessStandardError, Level = LogLevel.Information, Message = "[{FunctionName} {RequestId}] {Line}")]
        private static partial void LogStderr(ILogger logger, string functionName, string requestId, string line);
    }
}
