using Microsoft.Extensions.Logging;
using Orleans.AsyncInvoke.Diagnostics;
using Orleans.AsyncInvoke.Execution;
using Orleans.AsyncInvoke.Functions;

namespace Orleans.AsyncInvoke.Invocations;

/// <summary>Running one attempt: the checks before it (age, zero concurrency, recursion, the limiter), the run, its outcome.</summary>
public sealed partial class InvocationGrain
{
    private async Task AttemptAsync()
    {
        if (await ResolveForAttemptAsync() is not { } function || await RefuseBeforeAttemptAsync(function))
        {
            return;
        }

        if (S.CancelRequested)
        {
            await FinishCancelledAsync(function);
            return;
        }

        if (function.AsyncPaused)
        {
            await HoldWhilePausedAsync();
            return;
        }

        var limiter = function.Definition.ReservedConcurrency is null
            ? null
            : GrainFactory.GetGrain<IConcurrencyLimiterGrain>(S.FunctionName);
        if (limiter is not null
            && !await limiter.TryAcquireAsync(RequestId, function.Definition.ReservedConcurrency!.Value, function.Definition.Timeout + TimeSpan.FromSeconds(30)))
        {
            await HoldBackAsync(function, new ErrorInfo(ErrorCodes.TooManyRequests, "Rate Exceeded."), null);
            return;
        }

        if (S.CancelRequested)
        {
            // Cancelled while the limiter was asked: give the slot back and end without running.
            await limiter!.ReleaseAsync(RequestId);
            await FinishCancelledAsync(function);
            return;
        }

        var startedAt = clock.UtcNow;
        var dueAt = S.NextAttemptAt ?? startedAt;
        using var scope = execution.Scope(RequestId, S.FunctionName);
        AttemptResult result;
        try
        {
            result = await execution.RunAsync(RequestId, S, function, startedAt, () => BeforeRunAsync(function, startedAt));
        }
        finally
        {
            if (limiter is not null)
            {
                await limiter.ReleaseAsync(RequestId);
            }
        }

        await OnAttemptEndedAsync(function, result, startedAt, dueAt);
    }

    /// <summary>The function the attempt runs, or <c>null</c> when the invocation ended or was held back instead.</summary>
    private async Task<ResolvedFunction?> ResolveForAttemptAsync()
    {
        try
        {
            var function = _resolvedAtAccept ?? await ResolveRoutedAsync();
            _resolvedAtAccept = null;
            return S.Overrides is { } overrides ? overrides.ApplyTo(function) : function;
        }
        catch (AsyncInvokeException ex) when (ex.ErrorCode == ErrorCodes.ResourceNotFound)
        {
            S.LastError = new ErrorInfo(ex.ErrorCode, ex.Message);
            await FinishAsync(InvocationCondition.RetriesExhausted, null, fallbackArn: arns.Qualified(S.FunctionName, S.Qualifier), responsePayload: ErrorPayloads.Serialize(ex.ErrorCode, ex.Message), functionError: true);
        }
        catch (Exception ex) when (ex is not AsyncInvokeException)
        {
            LogSystemError(logger, ex, RequestId, S.FunctionName);
            await HoldBackAsync(null, new ErrorInfo("ServiceException", ex.Message), null);
        }

        return null;
    }

    /// <summary>
    /// The function as it is now, on the side of a weighted alias the event was routed to at accept: retries run the
    /// version the first attempt ran. When the alias no longer offers that version the event is routed again.
    /// </summary>
    private async Task<ResolvedFunction> ResolveRoutedAsync()
    {
        var function = router.Route(await GrainFactory.GetGrain<IFunctionGrain>(S.FunctionName).ResolveAsync(S.Qualifier), S.RoutedVersion);
        S.RoutedVersion = function.RoutedVersion;
        return function;
    }

    /// <summary>Ends the event instead of running it when it is too old, has zero concurrency or went round a loop.</summary>
    private async Task<bool> RefuseBeforeAttemptAsync(ResolvedFunction function)
    {
        if (clock.UtcNow >= retries.Expiry(S.AgeOrigin, function.MaximumEventAge))
        {
            await FinishAsync(InvocationCondition.EventAgeExceeded, function);
            return true;
        }

        if (function.Definition.ReservedConcurrency == 0)
        {
            await FinishAsync(InvocationCondition.ZeroReservedConcurrency, function);
            return true;
        }

        if (S.ChainDepth > MaxChainDepth && function.RecursiveLoop == "Terminate")
        {
            // A loop of function destinations: stop the event and send it down the failure path, as Lambda does.
            var message = $"The event went through more than {MaxChainDepth} invocations in one chain of function destinations; it was stopped (RecursiveLoop is Terminate).";
            S.LastError = new ErrorInfo(HandOffBuilder.RecursiveInvocation, message);
            LogRecursionStopped(logger, RequestId, S.FunctionName, S.ChainDepth);
            await FinishAsync(InvocationCondition.RetriesExhausted, function, responsePayload: ErrorPayloads.Serialize(HandOffBuilder.RecursiveInvocation, message), functionError: true);
            return true;
        }

        return false;
    }

    /// <summary>The attempt has begun: stores it as running when the stored wake-up could fire before its deadline.</summary>
    private Task BeforeRunAsync(ResolvedFunction function, DateTimeOffset startedAt)
    {
        _runningLease = function.Definition.Timeout + _options.ReminderPeriod;
        if (_storedWakeAt is not { } stored || stored < startedAt + function.Definition.Timeout + FirstAttempts.DeadlineMargin)
        {
            // The stored wake-up could fire while this attempt still runs: store the running state with a wake-up
            // past its deadline (a lost silo then shows as an interrupted attempt). Otherwise the stored state
            // stays as it was: if the silo is lost, the stored wake-up runs the attempt again with the same
            // number, and nothing but the write is saved.
            return SaveAsync();
        }

        return Task.CompletedTask;
    }

    private async Task OnAttemptEndedAsync(ResolvedFunction function, AttemptResult result, DateTimeOffset startedAt, DateTimeOffset dueAt, DateTimeOffset? finishedAt = null)
    {
        var record = new AttemptRecord
        {
            Attempt = S.AttemptCount,
            StartedAt = startedAt,
            FinishedAt = finishedAt ?? clock.UtcNow,
            Outcome = result.Outcome.ToString(),
            Error = result.Error,
            DueAt = dueAt,
        };

        if (S.CancelRequested)
        {
            // Cancelled while it ran: the attempt joins the history, its result is not acted on, no retry follows.
            if (result.Outcome is AttemptOutcome.Success or AttemptOutcome.FunctionError)
            {
                InvocationTransitions.CompleteAttempt(S, record, result.Error);
            }
            else
            {
                InvocationTransitions.GiveBackAttempt(S);
            }

            await FinishCancelledAsync(function);
            return;
        }

        switch (result.Outcome)
        {
            case AttemptOutcome.Success:
                InvocationTransitions.CompleteAttempt(S, record, null);
                await FinishAsync(InvocationCondition.Success, function, responsePayload: result.Payload);
                break;
            case AttemptOutcome.FunctionError:
                InvocationTransitions.CompleteAttempt(S, record, result.Error);
                var verdict = retries.AfterFunctionError(S.AttemptCount - S.RetryBase, function.MaximumRetryAttempts, S.AgeOrigin, function.MaximumEventAge);
                if (verdict.DueAt is { } due)
                {
                    InvocationTransitions.ScheduleRetry(S, due);
                    await SaveAndWaitAsync(due);
                    LogRetryScheduled(logger, RequestId, S.FunctionName, S.AttemptCount, due);
                    Publish(InvocationEventKind.RetryScheduled, S.AttemptCount, due);
                }
                else
                {
                    await FinishAsync(verdict.Condition!, function, responsePayload: result.Payload, functionError: true);
                }

                break;
            default:
                // A throttle from the function gives its attempt back: it does not count as a retry.
                InvocationTransitions.GiveBackAttempt(S);
                await HoldBackAsync(function, result.Error, result.RetryAfter);
                break;
        }
    }

    private async Task HoldBackAsync(ResolvedFunction? function, ErrorInfo? error, TimeSpan? retryAfter)
    {
        AsyncInvokeInstruments.Throttles.Add(1, AsyncInvokeInstruments.Function(S.FunctionName));
        InvocationTransitions.HoldBack(S, error, clock.UtcNow);
        var maximumAge = function?.MaximumEventAge ?? TimeSpan.FromSeconds(FunctionLimits.MaxEventAgeSeconds);
        var verdict = retries.AfterThrottle(S.ThrottleCount - S.ThrottleBase, retryAfter, S.AgeOrigin, maximumAge);
        if (verdict.DueAt is { } due)
        {
            InvocationTransitions.ScheduleAfterThrottle(S, due);
            await SaveAndWaitAsync(due);
            LogThrottled(logger, RequestId, S.FunctionName, S.ThrottleCount, due);
            Publish(InvocationEventKind.Throttled, S.AttemptCount + 1, due);
        }
        else
        {
            await FinishAsync(InvocationCondition.EventAgeExceeded, function);
        }
    }
}
