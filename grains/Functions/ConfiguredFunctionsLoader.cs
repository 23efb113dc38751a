using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Hosting;

namespace Orleans.AsyncInvoke.Functions;

/// <summary>
/// Applies the functions named in configuration when the silo becomes active. Configuration wins for the settings
/// it names; settings it leaves out keep what the cluster stored (changes made through the API survive).
/// </summary>
/// <remarks>
/// A silo that starts while the membership table still lists silos that died without leaving (stopped while Redis was
/// down, say) cannot reach the grains those silos seemed to hold until the cluster declares them dead. That used to
/// fail the silo's start; now the first try runs in the start-up (so a healthy cluster is ready when start returns)
/// and a failed one is tried again in the background, with readiness held back until it succeeds.
/// </remarks>
internal sealed partial class ConfiguredFunctionsLoader(
    IGrainFactory grains,
    IOptions<AsyncInvokeOptions> options,
    SiloReadiness readiness,
    FunctionResolutionCache resolutions,
    ILogger<ConfiguredFunctionsLoader> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _retrying;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ConfiguredFunctionsLoader), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ApplyAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
        {
            LogApplyRetrying(logger, ex, 1);
            _retrying = Task.Run(() => RetryAsync(_stopping.Token), CancellationToken.None);
        }
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_retrying is not null)
        {
            await _retrying.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task RetryAsync(CancellationToken stopping)
    {
        var delay = TimeSpan.FromMilliseconds(500);
        for (var attempt = 2; !stopping.IsCancellationRequested; attempt++)
        {
            try
            {
                await Task.Delay(delay, stopping);
                await ApplyAsync(stopping);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogApplyRetrying(logger, ex, attempt);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    internal async Task ApplyAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, f) in options.Value.Functions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var grain = grains.GetGrain<IFunctionGrain>(name);
            try
            {
                await grain.UpsertAsync(new FunctionDefinitionInput
                {
                    Target = f.Target,
                    Timeout = f.Timeout,
                    ReservedConcurrency = f.ReservedConcurrency,
                    Environment = f.Environment.Count > 0 ? f.Environment : null,
                    Description = f.Description,
                    DeadLetterTarget = f.DeadLetterTarget,
                });
                if (f.HasEventInvokeConfig)
                {
                    await grain.UpdateEventInvokeConfigAsync(FunctionNames.Latest, new EventInvokeConfigInput
                    {
                        MaximumRetryAttempts = f.MaximumRetryAttempts,
                        MaximumEventAgeInSeconds = f.MaximumEventAgeInSeconds,
                        OnSuccess = f.OnSuccess,
                        OnFailure = f.OnFailure,
                        HasDestinationConfig = f.OnSuccess is not null || f.OnFailure is not null,
                    });
                }

                // Every silo knows the functions it was configured with from its first accept on, even if the silo
                // holding a function's grain is lost before this one ever asked it.
                resolutions.Remember(name, null, await grain.ResolveAsync(null));
            }
            catch (AsyncInvokeException ex)
            {
                // One bad definition must not keep the silo (and every other function) down.
                LogApplyFailed(logger, name, ex.Message);
            }
        }

        LogApplied(logger, options.Value.Functions.Count);
        readiness.MarkFunctionsApplied();
    }

    [LoggerMessage(EventId = LogEvents.FunctionsApplied, Level = LogLevel.Information, Message = "Applied {Count} function(s) from configuration")]
    private static partial void LogApplied(ILogger logger, int count);

    [LoggerMessage(EventId = LogEvents.FunctionApplyFailed, Level = LogLevel.Error, Message = "Function {FunctionName} from configuration was refused: {Reason}")]
    private static partial void LogApplyFailed(ILogger logger, string functionName, string reason);

    [LoggerMessage(EventId = LogEvents.FunctionsApplyRetrying, Level = LogLevel.Warning,
        Message = "Applying the functions from configuration failed (try {Attempt}); the cluster is not reachable yet, trying again (not ready until then)")]
    private static partial void LogApplyRetrying(ILogger logger, Exception exception, int attempt);
}
