using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Destinations;
using System.Diagnostics;
using Orleans.AsyncInvoke.Diagnostics;
using Orleans.AsyncInvoke.Execution;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Scheduling;
using Orleans.Runtime;

namespace Orleans.AsyncInvoke.Invocations;

/// <summary>
/// One asynchronous invocation. The reminder is the durable wake-up (it survives a silo); the grain timer is the
/// precise clock while the grain is active. Every wake-up, from either, runs <see cref="RunDueWorkAsync"/>, which
/// reads the stored state and does only what is due, so duplicate and late ticks converge.
/// </summary>
[GrainType("asyncinvoke-invocation")]
public sealed partial class InvocationGrain(
    [PersistentState("invocation", StorageNames.Invocations)] IPersistentState<InvocationState> state,
    FunctionRunner runner,
    RetryPolicy retries,
    PlatformClock clock,
    FunctionArns arns,
    IOptions<AsyncInvokeOptions> options,
    IEnumerable<IInvocationObserver> observers,
    ILogger<InvocationGrain> logger) : Grain, IInvocationGrain, IRemindable
{
    private const string WakeUpReminder = "wake-up";
    private const int MaxChainDepth = 16;
    private readonly AsyncInvokeOptions _options = options.Value;
    private readonly IInvocationObserver[] _observers = [.. observers];
    private readonly WakeUpTimer _timer = new();

    private string RequestId => this.GetPrimaryKeyString();

    private InvocationState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.RecordExists && !S.IsFinal)
        {
            if (S.Phase == InvocationPhase.Running)
            {
                // The silo running the attempt died: the attempt did not finish and runs again with the same number.
                S.History.Add(new AttemptRecord { Attempt = S.AttemptCount, StartedAt = S.NextAttemptAt ?? S.ReceivedAt, FinishedAt = clock.UtcNow, Outcome = "Interrupted" });
                S.AttemptCount--;
                S.Phase = S.PhaseBeforeAttempt;
                S.NextAttemptAt = clock.UtcNow;
                LogInterrupted(logger, RequestId, S.FunctionName, S.AttemptCount + 1);
                Publish(InvocationEventKind.Interrupted, S.AttemptCount + 1);
            }

            ScheduleTimer(S.NextAttemptAt ?? clock.UtcNow);
        }

        return Task.CompletedTask;
    }

    public async Task<InvocationStatus> AcceptAsync(InvocationRequest request)
    {
        if (state.RecordExists)
        {
            return S.ToStatus(RequestId);
        }

        if (request.Payload.Length > _options.MaxAsyncPayloadBytes)
        {
            throw ErrorCodes.TooLarge($"Request must be smaller than {_options.MaxAsyncPayloadBytes} bytes for the Event invocation type.");
        }

        using var span = AsyncInvokeInstruments.StartSpan("accept", request.TraceParent);
        span?.SetTag("faas.invoked_name", request.FunctionName);
        span?.SetTag("faas.invocation_id", RequestId);
        var function = await GrainFactory.GetGrain<IFunctionGrain>(request.FunctionName).ResolveAsync(request.Qualifier);
        var now = clock.UtcNow;

        // The wake-up is registered before the state is written: a crash in between leaves a reminder that finds
        // no state and removes itself, never a stored event that nothing will wake.
        await this.RegisterOrUpdateReminder(WakeUpReminder, _options.ReminderPeriod, _options.ReminderPeriod);
        state.State = new InvocationState
        {
            FunctionName = function.Definition.Name,
            Qualifier = function.Qualifier,
            Payload = request.Payload,
            ReceivedAt = now,
            Phase = InvocationPhase.Pending,
            NextAttemptAt = now,
            // Saved so every attempt and delivery, on any silo and after any restart, continues the same trace.
            TraceParent = span?.Id ?? request.TraceParent,
            CallbackUrl = request.CallbackUrl,
            ChainDepth = request.ChainDepth,
        };
        await state.WriteStateAsync();

        LogAccepted(logger, RequestId, S.FunctionName, S.Qualifier);
        AsyncInvokeInstruments.AsyncEventsReceived.Add(1, AsyncInvokeInstruments.Function(S.FunctionName));
        Publish(InvocationEventKind.Accepted, 0);
        ScheduleTimer(now);
        return S.ToStatus(RequestId);
    }

    public Task<InvocationStatus?> GetStatusAsync() =>
        Task.FromResult(state.RecordExists ? S.ToStatus(RequestId) : null);

    public Task ReceiveReminder(string reminderName, TickStatus status) => RunDueWorkAsync();

    private async Task RunDueWorkAsync()
    {
        try
        {
            await RunDueWorkCoreAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A failed write (storage down, say) can leave the in-memory state ahead of the stored one. Drop the
            // activation so the next wake-up (the reminder survives) reloads what was actually stored.
            LogWakeUpFailed(logger, ex, RequestId);
            DeactivateOnIdle();
        }
    }

    private async Task RunDueWorkCoreAsync()
    {
        if (!state.RecordExists)
        {
            await UnregisterWakeUpAsync();
            DeactivateOnIdle();
            return;
        }

        var now = clock.UtcNow;
        if (S.IsFinal)
        {
            if (S.HandOffPending)
            {
                await RetryHandOffAsync();
                return;
            }

            if (S.RetainUntil is { } until && now >= until)
            {
                await state.ClearStateAsync();
                await UnregisterWakeUpAsync();
                LogCleared(logger, RequestId);
                Publish(InvocationEventKind.Cleared, S.AttemptCount);
                DeactivateOnIdle();
            }

            return;
        }

        if (S.NextAttemptAt is { } due && due > now)
        {
            ScheduleTimer(due);
            return;
        }

        await AttemptAsync();
    }

    private async Task AttemptAsync()
    {
        ResolvedFunction function;
        try
        {
            function = await GrainFactory.GetGrain<IFunctionGrain>(S.FunctionName).ResolveAsync(S.Qualifier);
        }
        catch (AsyncInvokeException ex) when (ex.ErrorCode == ErrorCodes.ResourceNotFound)
        {
            S.LastError = new ErrorInfo(ex.ErrorCode, ex.Message);
            await FinishAsync(InvocationCondition.RetriesExhausted, null, fallbackArn: arns.Qualified(S.FunctionName, S.Qualifier), responsePayload: ErrorPayloads.Serialize(ex.ErrorCode, ex.Message), functionError: true);
            return;
        }
        catch (Exception ex) when (ex is not AsyncInvokeException)
        {
            LogSystemError(logger, ex, RequestId, S.FunctionName);
            await HoldBackAsync(null, new ErrorInfo("ServiceException", ex.Message), null);
            return;
        }

        if (clock.UtcNow >= retries.Expiry(S.ReceivedAt, function.MaximumEventAge))
        {
            await FinishAsync(InvocationCondition.EventAgeExceeded, function);
            return;
        }

        if (function.Definition.ReservedConcurrency == 0)
        {
            await FinishAsync(InvocationCondition.ZeroReservedConcurrency, function);
            return;
        }

        if (S.ChainDepth > MaxChainDepth && function.RecursiveLoop == "Terminate")
        {
            // A loop of function destinations: stop the event and send it down the failure path, as Lambda does.
            var message = $"The event went through more than {MaxChainDepth} invocations in one chain of function destinations; it was stopped (RecursiveLoop is Terminate).";
            S.LastError = new ErrorInfo("RecursiveInvocationException", message);
            LogRecursionStopped(logger, RequestId, S.FunctionName, S.ChainDepth);
            await FinishAsync(InvocationCondition.RetriesExhausted, function, responsePayload: ErrorPayloads.Serialize("RecursiveInvocationException", message), functionError: true);
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

        AttemptResult result;
        var startedAt = clock.UtcNow;
        var tag = AsyncInvokeInstruments.Function(S.FunctionName);
        AsyncInvokeInstruments.AsyncEventAge.Record((startedAt - S.ReceivedAt).TotalMilliseconds, tag);
        if (S.NextAttemptAt is { } dueAt && S.AttemptCount + S.ThrottleCount > 0)
        {
            AsyncInvokeInstruments.RetryLateness.Record(Math.Max(0, (startedAt - dueAt).TotalMilliseconds), tag);
        }

        using var span = AsyncInvokeInstruments.StartSpan("attempt", S.TraceParent);
        span?.SetTag("faas.invocation_id", RequestId);
        span?.SetTag("faas.invoked_name", S.FunctionName);
        span?.SetTag("asyncinvoke.attempt", S.AttemptCount + 1);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = RequestId, ["FunctionName"] = S.FunctionName });
        AsyncInvokeInstruments.Invocations.Add(1, tag);
        AsyncInvokeInstruments.ConcurrentExecutions.Add(1, tag);
        try
        {
            S.PhaseBeforeAttempt = S.Phase;
            S.Phase = InvocationPhase.Running;
            S.AttemptCount++;
            S.NextAttemptAt = startedAt;
            await state.WriteStateAsync();
            LogAttemptStarted(logger, RequestId, S.FunctionName, S.AttemptCount);
            var attempt = S.AttemptCount;
            result = await runner.RunAsync(function.Definition, new FunctionContext
            {
                RequestId = RequestId,
                FunctionName = S.FunctionName,
                ExecutedVersion = function.ExecutedVersion,
                Attempt = S.AttemptCount,
                Payload = S.Payload,
                Deadline = startedAt + function.Definition.Timeout,
                Environment = function.Definition.Environment,
                TraceParent = S.TraceParent,
                Time = clock.Time,
            },
            started: () => Publish(InvocationEventKind.AttemptStarted, attempt));
        }
        finally
        {
            AsyncInvokeInstruments.ConcurrentExecutions.Add(-1, tag);
            AsyncInvokeInstruments.Duration.Record((clock.UtcNow - startedAt).TotalMilliseconds, tag);
            if (limiter is not null)
            {
                await limiter.ReleaseAsync(RequestId);
            }
        }

        span?.SetTag("asyncinvoke.outcome", result.Outcome.ToString());
        if (result.Outcome == AttemptOutcome.FunctionError)
        {
            AsyncInvokeInstruments.Errors.Add(1, tag);
            span?.SetStatus(ActivityStatusCode.Error, result.Error?.ErrorMessage);
        }

        var record = new AttemptRecord
        {
            Attempt = S.AttemptCount,
            StartedAt = startedAt,
            FinishedAt = clock.UtcNow,
            Outcome = result.Outcome.ToString(),
            Error = result.Error,
        };

        switch (result.Outcome)
        {
            case AttemptOutcome.Success:
                S.History.Add(record);
                await FinishAsync(InvocationCondition.Success, function, responsePayload: result.Payload);
                break;
            case AttemptOutcome.FunctionError:
                S.History.Add(record);
                S.LastError = result.Error;
                var verdict = retries.AfterFunctionError(S.AttemptCount, function.MaximumRetryAttempts, S.ReceivedAt, function.MaximumEventAge);
                if (verdict.DueAt is { } due)
                {
                    await WaitAsync(InvocationPhase.WaitingForRetry, due);
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
                S.AttemptCount--;
                S.Phase = S.PhaseBeforeAttempt;
                await HoldBackAsync(function, result.Error, result.RetryAfter);
                break;
        }
    }

    private async Task HoldBackAsync(ResolvedFunction? function, ErrorInfo? error, TimeSpan? retryAfter)
    {
        AsyncInvokeInstruments.Throttles.Add(1, AsyncInvokeInstruments.Function(S.FunctionName));
        S.ThrottleCount++;
        S.LastError = error;
        var now = clock.UtcNow;
        S.History.Add(new AttemptRecord { Attempt = S.AttemptCount + 1, StartedAt = now, FinishedAt = now, Outcome = "Throttled", Error = error });
        var maximumAge = function?.MaximumEventAge ?? TimeSpan.FromSeconds(FunctionLimits.MaxEventAgeSeconds);
        var verdict = retries.AfterThrottle(S.ThrottleCount, retryAfter, S.ReceivedAt, maximumAge);
        if (verdict.DueAt is { } due)
        {
            await WaitAsync(InvocationPhase.Throttled, due);
            LogThrottled(logger, RequestId, S.FunctionName, S.ThrottleCount, due);
            Publish(InvocationEventKind.Throttled, S.AttemptCount + 1, due);
        }
        else
        {
            await FinishAsync(InvocationCondition.EventAgeExceeded, function);
        }
    }

    private async Task WaitAsync(InvocationPhase phase, DateTimeOffset due)
    {
        S.Phase = phase;
        S.NextAttemptAt = due;
        await state.WriteStateAsync();
        ScheduleTimer(due);
    }

    private async Task FinishAsync(
        string condition,
        ResolvedFunction? function,
        string? fallbackArn = null,
        byte[]? responsePayload = null,
        bool functionError = false)
    {
        var now = clock.UtcNow;
        S.Phase = condition == InvocationCondition.Success ? InvocationPhase.Succeeded : InvocationPhase.Failed;
        S.Condition = condition;
        S.CompletedAt = now;
        S.NextAttemptAt = null;
        S.RetainUntil = now + _options.Retention;
        S.Record = InvocationRecordBuilder.Build(new InvocationRecordBuilder.Input(
            RequestId,
            function?.FunctionArn ?? fallbackArn ?? S.FunctionName,
            condition,
            S.AttemptCount,
            now,
            S.Payload,
            function?.ExecutedVersion ?? FunctionNames.Latest,
            responsePayload,
            functionError));
        S.ResponsePayload = responsePayload;

        // The callback is stored before the invocation turns final: a crash in between repeats the hand-over,
        // which the callback grain ignores, instead of losing it.
        if (S.CallbackUrl is not null)
        {
            await GrainFactory.GetGrain<ICallbackGrain>(RequestId).ScheduleAsync(new CallbackRequest
            {
                Url = S.CallbackUrl,
                Body = responsePayload ?? [],
                Headers = new Dictionary<string, string>
                {
                    ["X-Call-Id"] = RequestId,
                    ["X-Function-Name"] = S.FunctionName,
                    ["X-Function-Status"] = condition == InvocationCondition.Success ? "200" : "500",
                    ["X-Duration-Seconds"] = (now - S.ReceivedAt).TotalSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture),
                    ["X-Invocation-Condition"] = condition,
                },
            });
        }

        // Destinations get the record before the invocation turns final: a crash in between repeats the hand-over
        // (destinations ignore a message id they have seen) instead of losing it. A failed hand-over is kept
        // pending and retried on the next wake-up.
        S.HandOffPending = !await TryHandOffAsync(function);
        await state.WriteStateAsync();
        await ScheduleFinalWakeUpAsync();
        _timer.Cancel();

        LogCompleted(logger, RequestId, S.FunctionName, condition, S.AttemptCount);
        if (condition != InvocationCondition.Success)
        {
            AsyncInvokeInstruments.AsyncEventsDropped.Add(1, AsyncInvokeInstruments.Function(S.FunctionName), new("condition", condition));
        }

        Publish(InvocationEventKind.Completed, S.AttemptCount, condition: condition);
    }

    private async Task ScheduleFinalWakeUpAsync()
    {
        // While a hand-off is pending the wake-up stays short; then it becomes the clean-up at the end of retention.
        var period = S.HandOffPending ? _options.ReminderPeriod
            : _options.Retention > _options.ReminderPeriod ? _options.Retention : _options.ReminderPeriod;
        await this.RegisterOrUpdateReminder(WakeUpReminder, period, period);
    }

    private async Task RetryHandOffAsync()
    {
        ResolvedFunction? function = null;
        try
        {
            function = await GrainFactory.GetGrain<IFunctionGrain>(S.FunctionName).ResolveAsync(S.Qualifier);
        }
        catch (AsyncInvokeException)
        {
            // The function is gone: nothing is configured to receive the record any more.
        }

        if (function is null || await TryHandOffAsync(function))
        {
            S.HandOffPending = false;
            await state.WriteStateAsync();
            await ScheduleFinalWakeUpAsync();
        }
    }

    /// <summary>Hands the record to the success or failure destination, and the raw event to the dead-letter queue.</summary>
    private async Task<bool> TryHandOffAsync(ResolvedFunction? function)
    {
        if (function is null)
        {
            return true;
        }

        var success = S.Condition == InvocationCondition.Success;
        var deliveries = new List<Task>();
        var destination = success ? function.Config?.OnSuccess : function.Config?.OnFailure;
        if (destination is not null)
        {
            deliveries.Add(GrainFactory.GetGrain<IDestinationGrain>(destination).EnqueueAsync(new DestinationMessage
            {
                Id = $"{RequestId}:{(success ? "success" : "failure")}",
                Body = S.Record!,
                RequestId = RequestId,
                Condition = S.Condition!,
                ChainDepth = S.ChainDepth,
                TraceParent = S.TraceParent,
            }));
        }

        if (!success && function.Definition.DeadLetterTarget is { } deadLetter)
        {
            deliveries.Add(GrainFactory.GetGrain<IDestinationGrain>(deadLetter).EnqueueAsync(new DestinationMessage
            {
                Id = $"{RequestId}:dlq",
                Body = System.Text.Encoding.UTF8.GetString(S.Payload),
                RequestId = RequestId,
                Condition = S.Condition!,
                TraceParent = S.TraceParent,
                Attributes = new Dictionary<string, string>
                {
                    ["RequestID"] = RequestId,
                    // Lambda reports the status code: 200 for a function error, 429 when no attempt could run.
                    ["ErrorCode"] = S.AttemptCount > 0 ? "200" : "429",
                    ["ErrorMessage"] = Truncate(S.LastError?.ErrorMessage ?? S.Condition!, 1024),
                },
            }));
        }

        try
        {
            await Task.WhenAll(deliveries);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogHandOffFailed(logger, ex, RequestId, S.FunctionName);
            return false;
        }
    }

    private static string Truncate(string text, int maxBytes)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        return bytes.Length <= maxBytes ? text : System.Text.Encoding.UTF8.GetString(bytes, 0, maxBytes).TrimEnd('\uFFFD');
    }

    private void ScheduleTimer(DateTimeOffset due) => _timer.Schedule(this, RunDueWorkAsync, due - clock.UtcNow);

    private async Task UnregisterWakeUpAsync()
    {
        if (await this.GetReminder(WakeUpReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private void Publish(InvocationEventKind kind, int attempt, DateTimeOffset? due = null, string? condition = null)
    {
        if (_observers.Length == 0)
        {
            return;
        }

        var e = new InvocationEvent(kind, RequestId, S.FunctionName, attempt, clock.UtcNow, due, condition);
        foreach (var observer in _observers)
        {
            observer.OnEvent(e);
        }
    }
}
