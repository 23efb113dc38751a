using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Destinations;
using System.Diagnostics;
using Orleans.AsyncInvoke.Diagnostics;
using Orleans.AsyncInvoke.Execution;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Invocations.Storage;
using Orleans.AsyncInvoke.Scheduling;
using Orleans.Placement;
using Orleans.Runtime;

namespace Orleans.AsyncInvoke.Invocations;

/// <summary>
/// One asynchronous invocation. Its state and durable wake-up live in the <see cref="IInvocationStore"/> (one write
/// moves both); the store's wake-up index is the durable clock, a grain timer the precise one while the grain is
/// active. Every wake-up, from either, runs <see cref="RunDueWorkAsync"/>, which does only what is due, so duplicate
/// and late ticks converge. An invocation waiting longer than <see cref="AsyncInvokeOptions.ActiveWaitLimit"/>, or
/// finished, deactivates: pending work costs the silo no memory.
/// </summary>
[GrainType("asyncinvoke-invocation")]
[PreferLocalPlacement]
public sealed partial class InvocationGrain(
    IInvocationStore store,
    InvocationIngress ingress,
    FunctionRunner runner,
    RetryPolicy retries,
    PlatformClock clock,
    FunctionArns arns,
    DeliveryPump deliveries,
    IOptions<AsyncInvokeOptions> options,
    IEnumerable<IInvocationObserver> observers,
    ILogger<InvocationGrain> logger) : Grain, IInvocationGrain
{
    private const int MaxChainDepth = 16;
    private static readonly TimeSpan IdleDelay = TimeSpan.FromSeconds(2);
    private readonly AsyncInvokeOptions _options = options.Value;
    private readonly IInvocationObserver[] _observers = [.. observers];
    private readonly WakeUpTimer _timer = new();
    private InvocationState? _state;
    private Task? _loading;
    private IGrainTimer? _idleTimer;

    /// <summary>While an attempt runs: how long past its deadline the stored wake-up waits before assuming the silo was lost.</summary>
    private TimeSpan _runningLease;

    /// <summary>The function as the accept resolved it: the first attempt, moments later, needs no second lookup.</summary>
    private ResolvedFunction? _resolvedAtAccept;

    /// <summary>Where this activation last put the stored wake-up, when it knows (a claim by the index moves it unseen).</summary>
    private DateTimeOffset? _storedWakeAt;

    private string RequestId => this.GetPrimaryKeyString();

    private InvocationState S => _state!;

    private bool RecordExists => _state is not null;

    /// <summary>Loads the stored state once per activation (shared by interleaved callers).</summary>
    private Task EnsureLoadedAsync() => _loading ??= LoadAsync();

    private async Task LoadAsync()
    {
        _state = await store.ReadAsync(RequestId);
        if (_state is null || S.IsFinal)
        {
            return;
        }

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

        var due = S.NextAttemptAt ?? clock.UtcNow;
        if (due - clock.UtcNow <= _options.ActiveWaitLimit)
        {
            ScheduleTimer(due);
        }
    }

    public async Task<InvocationStatus> AcceptAsync(InvocationRequest request)
    {
        await EnsureLoadedAsync();
        if (RecordExists)
        {
            return S.ToStatus(RequestId);
        }

        var outcome = (await ingress.AcceptBatchAsync([new AcceptItem { RequestId = RequestId, Request = request }], startFirstAttempts: false))[0];
        outcome.QualifierOrThrow();
        // Stored by the accept path (or, after a race, by another accept): read what was stored and start from it.
        _state = await store.ReadAsync(RequestId);
        if (_state is not null && !S.IsFinal)
        {
            ScheduleTimer(S.NextAttemptAt ?? clock.UtcNow);
        }

        return _state?.ToStatus(RequestId) ?? throw new AsyncInvokeException("ServiceException", 500, "The invocation was stored but could not be read back.");
    }

    public Task StartAsync(InvocationRequest accepted, DateTimeOffset receivedAt, ResolvedFunction function)
    {
        if (_loading is not null)
        {
            // Already loaded (a status read got here first): the stored state is the truth; read it again if this
            // activation saw nothing yet, and make sure it runs.
            if (_state is null)
            {
                _loading = null;
            }

            return WakeAsync();
        }

        _state = InvocationState.Accepted(accepted, receivedAt);
        _loading = Task.CompletedTask;
        _resolvedAtAccept = function;
        _storedWakeAt = receivedAt + _options.ReminderPeriod;
        // The accept path does not wait for this call (it only counts it as in flight), so the first attempt runs in
        // this very turn: no timer to arm.
        return RunDueWorkAsync();
    }

    public async Task WakeAsync()
    {
        await EnsureLoadedAsync();
        // Wake-ups come from the index, whose claim has just moved the stored wake-up one period ahead: an attempt
        // that ends well within it need not store its running state first. (Were that assumption wrong, the cost is a
        // spurious wake-up that queues behind the attempt and finds nothing due.)
        _storedWakeAt ??= clock.UtcNow + _options.ReminderPeriod - _options.WakeUpInterval;
        await RunDueWorkAsync();
    }

    public async Task<InvocationStatus?> GetStatusAsync()
    {
        await EnsureLoadedAsync();
        if (_state is null || S.IsFinal || (S.Phase != InvocationPhase.Running && S.NextAttemptAt is { } due && !ShortWait(due)))
        {
            // Nothing to do here soon (unknown, finished, or waiting long): do not stay in memory for a status read.
            DeactivateSoon();
        }

        return RecordExists ? S.ToStatus(RequestId) : null;
    }

    private async Task RunDueWorkAsync()
    {
        try
        {
            await RunDueWorkCoreAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A failed write (storage down, say) can leave the in-memory state ahead of the stored one. Drop the
            // activation so the next wake-up (the stored one survives) reloads what was actually stored.
            LogWakeUpFailed(logger, ex, RequestId);
            DeactivateOnIdle();
        }
    }

    private async Task RunDueWorkCoreAsync()
    {
        if (!RecordExists)
        {
            // Nothing stored under this id (a wake-up outliving its invocation, or a stray call): nothing to do. No
            // deactivation here: duplicate wake-ups queued behind this one would be forwarded from activation to
            // activation until Orleans rejects them; idle collection removes this empty activation.
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
                await store.DeleteAsync(RequestId);
                LogCleared(logger, RequestId);
                Publish(InvocationEventKind.Cleared, S.AttemptCount);
                _state = null;
                DeactivateSoon();
            }
            else if (S.RetainUntil is { } end)
            {
                // A duplicate wake-up of a finished invocation: make sure its stored one is at the end of retention.
                await store.WriteAsync(RequestId, S, end);
            }

            return;
        }

        if (S.NextAttemptAt is { } due && due > now)
        {
            // Early: a duplicate or a claimed backstop. Put the stored wake-up back where it belongs and keep waiting.
            await SaveAsync();
            ArmOrDeactivate(due);
            return;
        }

        await AttemptAsync();
    }

    private async Task AttemptAsync()
    {
        ResolvedFunction function;
        try
        {
            function = _resolvedAtAccept ?? await GrainFactory.GetGrain<IFunctionGrain>(S.FunctionName).ResolveAsync(S.Qualifier);
            _resolvedAtAccept = null;
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
        var dueAt = S.NextAttemptAt ?? startedAt;
        var tag = AsyncInvokeInstruments.Function(S.FunctionName);
        AsyncInvokeInstruments.AsyncEventAge.Record((startedAt - S.ReceivedAt).TotalMilliseconds, tag);
        if (S.AttemptCount + S.ThrottleCount > 0)
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
            _runningLease = function.Definition.Timeout + _options.ReminderPeriod;
            if (_storedWakeAt is not { } stored || stored < startedAt + function.Definition.Timeout + TimeSpan.FromSeconds(5))
            {
                // The stored wake-up could fire while this attempt still runs: store the running state with a wake-up
                // past its deadline (a lost silo then shows as an interrupted attempt). Otherwise the stored state
                // stays as it was: if the silo is lost, the stored wake-up runs the attempt again with the same
                // number, and nothing but the write is saved.
                await SaveAsync();
            }
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
            DueAt = dueAt,
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
        S.History.Add(new AttemptRecord { Attempt = S.AttemptCount + 1, StartedAt = now, FinishedAt = now, Outcome = "Throttled", Error = error, DueAt = S.NextAttemptAt });
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
        await SaveAsync();
        ArmOrDeactivate(due);
    }

    /// <summary>A short wait keeps the grain and its precise timer; a long one hands the wake-up to the index.</summary>
    private void ArmOrDeactivate(DateTimeOffset due)
    {
        if (ShortWait(due))
        {
            ScheduleTimer(due);
        }
        else
        {
            _timer.Cancel();
            DeactivateSoon();
        }
    }

    /// <summary>
    /// Deactivates after a short quiet spell rather than at once. Calls queued behind the current one are forwarded
    /// to a new activation when this one goes; if that one deactivated at once too, a few concurrent callers (status
    /// reads, duplicate wake-ups) would be forwarded from activation to activation until Orleans rejects them.
    /// </summary>
    private void DeactivateSoon()
    {
        _idleTimer?.Dispose();
        _idleTimer = this.RegisterGrainTimer(
            static grain => { grain.DeactivateOnIdle(); return Task.CompletedTask; },
            this,
            new GrainTimerCreationOptions { DueTime = IdleDelay, Period = Timeout.InfiniteTimeSpan, Interleave = false, KeepAlive = false });
    }

    private bool ShortWait(DateTimeOffset due) => due - clock.UtcNow <= _options.ActiveWaitLimit;

    /// <summary>
    /// Writes the state with its stored wake-up: at the due time when the index is the clock; one period later when
    /// a grain timer is the clock (then the stored one only fires if this silo is lost); past the deadline plus one
    /// period while an attempt runs; at the end of retention (or a period ahead while a hand-off is pending) when final.
    /// </summary>
    private Task SaveAsync(Outbox? outbox = null)
    {
        var now = clock.UtcNow;
        var wakeAt = S switch
        {
            { IsFinal: true, HandOffPending: true } => now + _options.ReminderPeriod,
            { IsFinal: true } => S.RetainUntil ?? now,
            { Phase: InvocationPhase.Running } => now + _runningLease,
            _ when S.NextAttemptAt is { } due => ShortWait(due) ? due + _options.ReminderPeriod : due,
            _ => now + _options.ReminderPeriod,
        };
        _storedWakeAt = wakeAt;
        return store.WriteAsync(RequestId, S, wakeAt, outbox);
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

        // The record and the dead-letter event are stored in the very write that makes the invocation final (its
        // outbox): the hand-off is never lost between two writes, nor repeated.
        S.HandOffPending = false;
        await SaveWithHandOffAsync(function);
        _timer.Cancel();
        DeactivateOnIdle();

        LogCompleted(logger, RequestId, S.FunctionName, condition, S.AttemptCount);
        if (condition != InvocationCondition.Success)
        {
            AsyncInvokeInstruments.AsyncEventsDropped.Add(1, AsyncInvokeInstruments.Function(S.FunctionName), new("condition", condition));
        }

        Publish(InvocationEventKind.Completed, S.AttemptCount, condition: condition);
    }

    /// <summary>Writes the final state with its deliveries, then hands them to this silo's pump when it has room.</summary>
    private async Task SaveWithHandOffAsync(ResolvedFunction? function)
    {
        var handOff = HandOffBuilder.Build(RequestId, S, function, clock.UtcNow);
        if (handOff.Count == 0)
        {
            await SaveAsync();
            return;
        }

        var handOver = deliveries.Reserve(handOff.Count);
        await SaveAsync(new Outbox(handOff, handOver.DueAt));
        if (handOver.Local)
        {
            deliveries.Submit(handOff);
        }
        else
        {
            deliveries.Nudge();
        }
    }

    /// <summary>A final invocation stored by an earlier version with its hand-off still to do: do it now, in one write.</summary>
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

        S.HandOffPending = false;
        await SaveWithHandOffAsync(function);
    }

    private void ScheduleTimer(DateTimeOffset due)
    {
        _idleTimer?.Dispose();
        _idleTimer = null;
        _timer.Schedule(this, RunDueWorkAsync, due - clock.UtcNow);
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
