using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Hosting;

namespace Orleans.AsyncInvoke.Functions;

/// <summary>
/// Applies the functions named in configuration when the silo becomes active. Configuration wins for the settings
/// it names; settings it leaves out keep what the cluster stored (changes made through the API survive).
/// </summary>
internal sealed partial class ConfiguredFunctionsLoader(
    IGrainFactory grains,
    IOptions<AsyncInvokeOptions> options,
    SiloReadiness readiness,
    ILogger<ConfiguredFunctionsLoader> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ConfiguredFunctionsLoader), ServiceLifecycleStage.Active, ApplyAsync);

    internal async Task ApplyAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, f) in options.Value.Functions)
        {
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
}
