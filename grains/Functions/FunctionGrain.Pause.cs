namespace Orleans.AsyncInvoke.Functions;

/// <summary>
/// Pausing a function's asynchronous processing. The flag is stored with the function and travels in every
/// resolution, so the accept path and each attempt see it without a call of their own.
/// </summary>
public sealed partial class FunctionGrain
{
    public async Task<bool> SetAsyncPausedAsync(bool paused)
    {
        _ = Existing;
        if (state.State.AsyncPaused != paused)
        {
            state.State.AsyncPaused = paused;
            await state.WriteStateAsync();
            LogPauseChanged(logger, Name, paused);
        }

        return paused;
    }

    public Task<bool> GetAsyncPausedAsync()
    {
        _ = Existing;
        return Task.FromResult(state.State.AsyncPaused);
    }

    [Microsoft.Extensions.Logging.LoggerMessage(EventId = LogEvents.AsyncPauseChanged, Level = Microsoft.Extensions.Logging.LogLevel.Information,
        Message = "Asynchronous processing of {FunctionName} paused: {Paused}")]
    private static partial void LogPauseChanged(Microsoft.Extensions.Logging.ILogger logger, string functionName, bool paused);
}
