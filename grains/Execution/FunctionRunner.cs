using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Security;

namespace Orleans.AsyncInvoke.Execution;

/// <summary>Runs one attempt on the right runtime and turns timeouts and exceptions into Lambda's function errors.</summary>
public sealed partial class FunctionRunner(IEnumerable<IFunctionRuntime> runtimes, IOptionsMonitor<ExecutionOptions> execution, TimeProvider time, ILogger<FunctionRunner> logger)
{
    /// <summary>Why a target that starts a local program is refused where they are not allowed.</summary>
    public const string LocalProgramsRefused =
        "Targets that run a program on the silo's machine (exec:) are disabled: set AsyncInvoke:Execution:AllowLocalPrograms=true to allow anyone who may create functions to run commands as the silo's user.";

    private static readonly TimeSpan CleanupGrace = TimeSpan.FromSeconds(2);
    private readonly IFunctionRuntime[] _runtimes = [.. runtimes];

    /// <summary>Why <paramref name="target"/> cannot run here, or <c>null</c> when it can.</summary>
    public string? Validate(string target)
    {
        var runtime = Array.Find(_runtimes, r => r.CanRun(target));
        return runtime switch
        {
            null => $"Unsupported target '{target}': use dotnet:<handler>, http(s)://<url>, customhandler+http://<host:port> or exec:<command>.",
            { RunsLocalPrograms: true } when !execution.CurrentValue.AllowLocalPrograms => LocalProgramsRefused,
            _ => runtime.Validate(target),
        };
    }

    /// <summary>
    /// Runs one attempt, cut off at the function's timeout. <paramref name="started"/> is called once the attempt is
    /// running and its deadline is armed.
    /// </summary>
    public async Task<AttemptResult> RunAsync(FunctionDefinition function, FunctionContext context, Action? started = null)
    {
        var runtime = Array.Find(_runtimes, r => r.CanRun(function.Target));
        if (runtime is null)
        {
            return AttemptResult.Failed("Runtime.InvalidTarget", $"Unsupported target '{function.Target}'.");
        }

        if (runtime.RunsLocalPrograms && !execution.CurrentValue.AllowLocalPrograms)
        {
            // A function stored while they were allowed does not run once they are not.
            return AttemptResult.Failed("Runtime.InvalidTarget", LocalProgramsRefused);
        }

        // A runtime with an init phase gets its allowance on top; the function's own timeout is re-armed when init ends.
        var allowance = runtime.InitAllowance;
        using var timeout = new CancellationTokenSource(function.Timeout + allowance, time);
        var invokeStarted = time.GetTimestamp();
        if (allowance > TimeSpan.Zero)
        {
            context.InvokePhase = () =>
            {
                invokeStarted = time.GetTimestamp();
                timeout.CancelAfter(function.Timeout);
                return time.GetUtcNow() + function.Timeout;
            };
        }

        context.Log?.Append($"START RequestId: {context.RequestId} Version: {context.ExecutedVersion}");
        var result = await RunAsync(runtime, function, context, timeout, started);
        if (context.Log is { } log)
        {
            var duration = time.GetElapsedTime(invokeStarted).TotalMilliseconds;
            var init = log.InitDuration is { } d ? $"\tInit Duration: {d.TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture)} ms" : "";
            log.Append($"END RequestId: {context.RequestId}");
            log.Append($"REPORT RequestId: {context.RequestId}\tDuration: {duration.ToString("0.00", CultureInfo.InvariantCulture)} ms\t"
                + $"Billed Duration: {Math.Ceiling(duration).ToString("0", CultureInfo.InvariantCulture)} ms\tMemory Size: {function.MemorySize} MB{init}\t");
        }

        return result;
    }

    private async Task<AttemptResult> RunAsync(IFunctionRuntime runtime, FunctionDefinition function, FunctionContext context, CancellationTokenSource timeout, Action? started)
    {
        Task<byte[]> run;
        try
        {
            run = runtime.InvokeAsync(function, context, timeout.Token);
        }
        catch (Exception ex)
        {
            started?.Invoke();
            return FromException(ex);
        }

        started?.Invoke();
        var timedOut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (timeout.Token.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), timedOut))
        {
            var winner = await Task.WhenAny(run, timedOut.Task);
            if (winner != run)
            {
                // Give the runtime a moment to clean up (a process runtime kills its tree on cancellation), then
                // drop a late result: a function that ignores cancellation cannot hold the invocation.
                try
                {
                    await run.WaitAsync(CleanupGrace, TimeProvider.System);
                }
                catch (Exception)
                {
                    _ = run.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
                }

                var seconds = function.Timeout.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
                LogTimedOut(logger, function.Name, context.RequestId, context.Attempt, seconds);
                return AttemptResult.Failed("Sandbox.Timedout", $"Task timed out after {seconds} seconds");
            }
        }

        try
        {
            return AttemptResult.Succeeded(await run);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            var seconds = function.Timeout.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
            return AttemptResult.Failed("Sandbox.Timedout", $"Task timed out after {seconds} seconds");
        }
        catch (Exception ex)
        {
            return FromException(ex);
        }
    }

    private static AttemptResult FromException(Exception ex) => ex switch
    {
        FunctionThrottledException throttled => AttemptResult.Throttle("TooManyRequestsException", throttled.Message, throttled.RetryAfter),
        FunctionErrorException error => AttemptResult.Failed(error.ErrorType, error.Message),
        _ => AttemptResult.Failed(ex.GetType().Name, ex.Message),
    };

    [LoggerMessage(EventId = LogEvents.AttemptTimedOut, Level = LogLevel.Warning,
        Message = "Function {FunctionName} timed out on request {RequestId} attempt {Attempt} after {Seconds} seconds")]
    private static partial void LogTimedOut(ILogger logger, string functionName, string requestId, int attempt, string seconds);
}
