using Microsoft.Extensions.DependencyInjection;

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
            if (!paused)
            {
                // Not awaited: the held invocations are found through the function's listing index and woken page by
                // page; if this silo is lost meanwhile, each held one still looks again at its own backstop.
                _ = WakeHeldAsync();
            }
        }

        return paused;
    }

    /// <summary>Wakes every invocation held while the function was paused, so a resume runs what is due at once.</summary>
    private async Task WakeHeldAsync()
    {
        try
        {
            var lister = ServiceProvider.GetRequiredService<Invocations.Listing.InvocationLister>();
            string? next = null;
            do
            {
                var page = await lister.ListAsync(new Invocations.InvocationQuery { FunctionName = Name, Phase = Invocations.InvocationPhase.Paused, Limit = 1000, Next = next });
                await Task.WhenAll(page.Items.Select(i => GrainFactory.GetGrain<Invocations.IInvocationGrain>(i.RequestId).WakeAsync()));
                next = page.Next;
            }
            while (next is not null && !state.State.AsyncPaused);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogResumeWakeFailed(logger, ex, Name);
        }
    }

    public Task<bool> GetAsyncPausedAsync()
    {
        _ = Existing;
        return Task.FromResult(state.State.AsyncPaused);
    }

    [Microsoft.Extensions.Logging.LoggerMessage(EventId = LogEvents.AsyncPauseChanged, Level = Microsoft.Extensions.Logging.LogLevel.Information,
        Message = "Asynchronous processing of {FunctionName} paused: {Paused}")]
    private static partial void LogPauseChanged(Microsoft.Extensions.Logging.ILogger logger, string functionName, bool paused);

    [Microsoft.Extensions.Logging.LoggerMessage(EventId = LogEvents.ResumeWakeFailed, Level = Microsoft.Extensions.Logging.LogLevel.Warning,
        Message = "Waking the invocations of {FunctionName} held while it was paused failed; each looks again at its backstop")]
    private static partial void LogResumeWakeFailed(Microsoft.Extensions.Logging.ILogger logger, Exception exception, string functionName);
}
