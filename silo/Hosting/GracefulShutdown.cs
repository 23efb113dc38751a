using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Hosting;

namespace Orleans.AsyncInvoke.Silo.Hosting;

/// <summary>
/// SIGTERM, in order: readiness fails at once (new events go to other pods), the silo keeps serving for
/// <see cref="ShutdownOptions.ReadinessDelay"/>, then the host stops within <see cref="ShutdownOptions.DrainTimeout"/>
/// (attempts in flight finish, the silo leaves the cluster and its grains move on). The process exits by
/// <see cref="ShutdownOptions.Bound"/> whatever still waits: with Redis gone, Orleans retried its membership write for
/// about two minutes, and a pod killed at the end of its grace period has not stopped any better.
/// </summary>
internal sealed partial class GracefulShutdown(
    SiloReadiness readiness,
    IOptions<ShutdownOptions> options,
    ILogger<GracefulShutdown> logger) : IHostedLifecycleService
{
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        readiness.MarkDraining();
        LogDraining(logger, settings.ReadinessDelay, settings.DrainTimeout);
        // Only where the silo is the process (not a host a test process runs inside itself).
        if (System.Reflection.Assembly.GetEntryAssembly() == typeof(GracefulShutdown).Assembly)
        {
            var watchdog = new Thread(() => ExitAfter(settings.Bound)) { IsBackground = true, Name = "shutdown watchdog" };
            watchdog.Start();
        }
        try
        {
            await Task.Delay(settings.ReadinessDelay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's own shutdown timeout: stop now.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        // Stopped in time: the watchdog stands down (a host inside a test process must not end that process).
        _stopped.TrySetResult();
        return Task.CompletedTask;
    }

    private void ExitAfter(TimeSpan bound)
    {
        if (_stopped.Task.Wait(bound))
        {
            return;
        }

        LogForced(logger, bound);
        Console.Out.Flush();
        Environment.Exit(0);
    }

    [LoggerMessage(EventId = LogEvents.ShutdownDraining, Level = LogLevel.Information,
        Message = "Stopping: readiness fails now; serving for {ReadinessDelay} more, then draining for at most {DrainTimeout}")]
    private static partial void LogDraining(ILogger logger, TimeSpan readinessDelay, TimeSpan drainTimeout);

    [LoggerMessage(EventId = LogEvents.ShutdownForced, Level = LogLevel.Warning,
        Message = "The silo had not stopped {Bound} after SIGTERM; exiting now (what it acknowledged is stored and resumes on another silo)")]
    private static partial void LogForced(ILogger logger, TimeSpan bound);
}
