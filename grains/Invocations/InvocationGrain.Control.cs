using Microsoft.Extensions.Logging;
using Orleans.AsyncInvoke.Functions;

namespace Orleans.AsyncInvoke.Invocations;

/// <summary>An operator's hand on one invocation: cancel it, send it round again, hold it while its function is paused.</summary>
public sealed partial class InvocationGrain
{
    public async Task<InvocationStatus> CancelAsync(bool notify)
    {
        await EnsureLoadedAsync();
        if (!RecordExists)
        {
            throw ErrorCodes.NotFound($"Invocation not found: {RequestId}");
        }

        if (S.IsFinal || _finishing)
        {
            throw ErrorCodes.WrongState($"Invocation {RequestId} has already ended ({S.Condition ?? S.Phase.ToString()}); only an unfinished invocation can be cancelled.");
        }

        if (S.CancelRequested)
        {
            return S.ToStatus(RequestId, arns);
        }

        S.CancelNotifies = notify;
        if (_working || FirstAttemptElsewhere)
        {
            // An attempt (or the step before one) is under way, on this activation or from memory on the accepting
            // silo: it must not be torn down mid-way, so the cancel is stored and the attempt ends the invocation
            // Cancelled when it returns (a first attempt from memory finds its invocation touched and hands its result
            // here). Stored, because a silo lost meanwhile reloads the invocation and must still end it Cancelled.
            S.CancelRequested = true;
            await SaveAsync();
            LogCancelRequested(logger, RequestId, S.FunctionName);
            Publish(InvocationEventKind.CancelRequested, S.AttemptCount);
            return CurrentStatus();
        }

        try
        {
            await FinishCancelledAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not AsyncInvokeException)
        {
            // Not stored: drop what this activation holds so the next call reloads the truth, and let the caller retry.
            DeactivateOnIdle();
            throw;
        }

        return S.ToStatus(RequestId, arns);
    }

    public async Task<InvocationStatus> RetryAsync()
    {
        await EnsureLoadedAsync();
        if (!RecordExists)
        {
            throw ErrorCodes.NotFound($"Invocation not found: {RequestId}");
        }

        if (S.Phase is not (InvocationPhase.Failed or InvocationPhase.Cancelled))
        {
            throw ErrorCodes.WrongState($"Invocation {RequestId} is {S.Phase}; only a failed or cancelled invocation can be retried.");
        }

        if (S.HandOffPending)
        {
            throw ErrorCodes.WrongState($"The record of invocation {RequestId} is still being handed to its destinations; try again in a minute.");
        }

        var now = clock.UtcNow;
        _working = true;
        try
        {
            InvocationTransitions.Redrive(S, now);
            _finishing = false;
            _idleTimer?.Dispose();
            _idleTimer = null;
            // Due now in the index: the wake-up pump starts it within one interval, on whichever silo claims it, even
            // if this activation (asked to go idle when the invocation ended) deactivates first.
            _storedWakeAt = now;
            await store.WriteAsync(RequestId, S, now);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            _working = false;
        }

        LogRedriven(logger, RequestId, S.FunctionName, S.AttemptCount + 1);
        Publish(InvocationEventKind.Redriven, S.AttemptCount);
        return S.ToStatus(RequestId, arns);
    }

    /// <summary>
    /// Ends the invocation <c>Cancelled</c>. Its record goes to <c>OnFailure</c> and its event to the dead-letter
    /// queue only when the cancel asked to notify; an OpenFaaS callback is always told, as for any end.
    /// </summary>
    private async Task FinishCancelledAsync(ResolvedFunction? function = null)
    {
        _finishing = true;
        _timer.Cancel();
        var notify = S.CancelNotifies;
        if (function is null)
        {
            try
            {
                var resolved = await ResolveRoutedAsync();
                function = S.Overrides is { } overrides ? overrides.ApplyTo(resolved) : resolved;
            }
            catch (Exception ex) when (ex is AsyncInvokeException || (!notify && ex is not OutOfMemoryException))
            {
                // The function is gone (nothing is configured to receive a record), or out of reach while nothing
                // is to be handed over: the record names the function as stored.
            }
        }

        try
        {
            LogCancelled(logger, RequestId, S.FunctionName, S.AttemptCount);
            await FinishAsync(InvocationCondition.Cancelled, function, fallbackArn: arns.Qualified(S.FunctionName, S.Qualifier), handOff: notify);
        }
        catch
        {
            _finishing = false;
            throw;
        }
    }

    /// <summary>
    /// The attempt is due but the function is paused: the invocation is held and looks again one backstop period
    /// later. The first hold is stored; later ones cost no write, because the index's claim that woke the invocation
    /// has already moved its stored wake-up a period ahead.
    /// </summary>
    private async Task HoldWhilePausedAsync()
    {
        var wasHeld = S.Phase == InvocationPhase.Paused;
        var recheck = clock.UtcNow + _options.ReminderPeriod;
        InvocationTransitions.Hold(S, recheck);
        if (!wasHeld)
        {
            await SaveAsync();
            LogHeld(logger, RequestId, S.FunctionName);
        }

        Publish(InvocationEventKind.Held, S.AttemptCount + 1, recheck);
        ArmOrDeactivate(recheck);
    }

    [LoggerMessage(EventId = LogEvents.Cancelled, Level = LogLevel.Information, Message = "{RequestId} ({FunctionName}) cancelled after {Attempts} attempt(s)")]
    private static partial void LogCancelled(ILogger logger, string requestId, string functionName, int attempts);

    [LoggerMessage(EventId = LogEvents.CancelRequested, Level = LogLevel.Information, Message = "{RequestId} ({FunctionName}) is to be cancelled when its running attempt returns")]
    private static partial void LogCancelRequested(ILogger logger, string requestId, string functionName);

    [LoggerMessage(EventId = LogEvents.Redriven, Level = LogLevel.Information, Message = "{RequestId} ({FunctionName}) retried by request; attempt {Attempt} is due now")]
    private static partial void LogRedriven(ILogger logger, string requestId, string functionName, int attempt);

    [LoggerMessage(EventId = LogEvents.HeldWhilePaused, Level = LogLevel.Debug, Message = "{RequestId} ({FunctionName}) held: the function's asynchronous processing is paused")]
    private static partial void LogHeld(ILogger logger, string requestId, string functionName);
}
