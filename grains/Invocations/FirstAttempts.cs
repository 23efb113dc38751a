using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Execution;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Invocations.Storage;
using Orleans.AsyncInvoke.Scheduling;
using Orleans.Runtime;

namespace Orleans.AsyncInvoke.Invocations;

/// <summary>
/// First attempts from memory, on the silo that accepted the event, without activating its invocation grain. The
/// accept stored the event with <see cref="InvocationState.FirstAttemptUntil"/> set and its wake-up then; the
/// attempt runs at once, and a success with nothing to hand over ends in one conditional write
/// (<see cref="IInvocationStore.TryWriteUntouchedAsync"/>). Everything else (a function error, a throttle, a record for
/// a destination, a write that finds the invocation touched, by a cancel say) goes to the invocation grain with the
/// attempt's result, and the grain carries on exactly as if it had run the attempt itself. A silo lost meanwhile
/// leaves the stored wake-up, which runs the attempt again after the lease, as for an attempt run in a grain.
/// </summary>
public sealed partial class FirstAttempts(
    IInvocationStore store,
    IGrainFactory grains,
    AttemptExecution execution,
    PlatformClock clock,
    RetryPolicy retries,
    FunctionArns arns,
    IOptions<AsyncInvokeOptions> options,
    ILogger<InvocationGrain> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>How far past an attempt's deadline its stored wake-up must lie for the running state to go unstored.</summary>
    public static readonly TimeSpan DeadlineMargin = TimeSpan.FromSeconds(5);

    private readonly AsyncInvokeOptions _options = options.Value;
    private readonly GrainReferences<IInvocationGrain> _invocations = new(grains);
    private readonly ConcurrentDictionary<string, Running> _running = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopping;
    private int _inFlight;

    /// <summary>
    /// Whether the first attempt of an event accepted for <paramref name="function"/> may run from memory: nothing
    /// before it needs the grain (no reserved concurrency to ask, no pause, no callback, no loop to stop), and its
    /// deadline lies well inside the backstop the accept stores.
    /// </summary>
    public bool CanRun(InvocationRequest accepted, ResolvedFunction function) =>
        !_stopping
        && accepted.CallbackUrl is null
        && accepted.ChainDepth <= InvocationGrain.MaxChainDepth
        && !function.AsyncPaused
        && function.Definition.ReservedConcurrency is null
        && function.Definition.Timeout + DeadlineMargin < _options.ReminderPeriod;

    /// <summary>
    /// Runs the first attempt of an event stored as <paramref name="accepted"/> at <paramref name="receivedAt"/> with
    /// <see cref="InvocationState.FirstAttemptUntil"/> (and its wake-up) at <paramref name="until"/>, on the thread
    /// pool. Completes when the attempt has ended and its outcome is stored or handed to the grain.
    /// </summary>
    public Task RunAsync(string requestId, InvocationRequest accepted, DateTimeOffset receivedAt, ResolvedFunction function, DateTimeOffset until)
    {
        Interlocked.Increment(ref _inFlight);
        return Task.Run(async () =>
        {
            try
            {
                await RunCoreAsync(requestId, accepted, receivedAt, function, until);
            }
            finally
            {
                if (Interlocked.Decrement(ref _inFlight) == 0 && _stopping)
                {
                    _drained.TrySetResult();
                }
            }
        });
    }

    /// <summary>The status of an invocation whose first attempt runs here now, or <c>null</c>.</summary>
    public InvocationStatus? StatusOf(string requestId)
    {
        if (!_running.TryGetValue(requestId, out var running))
        {
            return null;
        }

        lock (running.Gate)
        {
            return running.Ended ? null : running.State.ToStatus(requestId, arns);
        }
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(FirstAttempts), ServiceLifecycleStage.Active, _ => Task.CompletedTask, StopAsync);

    /// <summary>New events go to their grains; the attempts running here finish and store their outcome first.</summary>
    private async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        if (Volatile.Read(ref _inFlight) == 0)
        {
            return;
        }

        try
        {
            await _drained.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Out of time: the stored wake-ups of what is still running bring those attempts back elsewhere.
        }
    }

    private async Task RunCoreAsync(string requestId, InvocationRequest accepted, DateTimeOffset receivedAt, ResolvedFunction resolved, DateTimeOffset until)
    {
        var state = InvocationState.Accepted(accepted, receivedAt, resolved.RoutedVersion);
        state.FirstAttemptUntil = until;
        var function = state.Overrides is { } overrides ? overrides.ApplyTo(resolved) : resolved;
        var startedAt = clock.UtcNow;
        if (startedAt + function.Definition.Timeout + DeadlineMargin > until || startedAt >= retries.Expiry(state.AgeOrigin, function.MaximumEventAge))
        {
            // Started too late to end inside the backstop (or already too old): the lease is given back and the event
            // is due now in the index, whose pump starts it in its grain. Were it touched meanwhile, the grain has it.
            state.FirstAttemptUntil = null;
            await store.TryWriteUntouchedAsync(requestId, until, state, startedAt);
            return;
        }

        using var scope = execution.Scope(requestId, state.FunctionName);
        var running = new Running(state);
        _running[requestId] = running;
        AttemptResult result;
        try
        {
            result = await execution.RunAsync(requestId, state, function, startedAt);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _running.TryRemove(requestId, out _);
            LogFailed(logger, ex, requestId);
            return;
        }

        var end = new FirstAttemptEnd
        {
            Function = function,
            Outcome = result.Outcome,
            Payload = result.Payload,
            Error = result.Error,
            RetryAfter = result.RetryAfter,
            StartedAt = startedAt,
            FinishedAt = clock.UtcNow,
        };
        bool stored;
        try
        {
            stored = await TryFinishAsync(requestId, running, end, until);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Not stored: the stored wake-up runs the attempt again after the lease, as after a failed final write in a grain.
            LogFailed(logger, ex, requestId);
            return;
        }
        finally
        {
            _running.TryRemove(requestId, out _);
        }

        if (!stored)
        {
            await _invocations.Get(requestId).EndFirstAttemptAsync(end);
        }
    }

    /// <summary>
    /// Ends a successful attempt whose record goes nowhere in one conditional write, as the grain would have ended
    /// it; <c>false</c> when the outcome needs the grain (or the invocation was touched meanwhile).
    /// </summary>
    private async Task<bool> TryFinishAsync(string requestId, Running running, FirstAttemptEnd end, DateTimeOffset until)
    {
        var function = end.Function;
        var recordQualifier = arns.QualifierOf(running.State.FunctionName, function.FunctionArn);
        if (end.Outcome != AttemptOutcome.Success || function.Config?.OnSuccess is not null || _options.KeepSucceededPayloads || recordQualifier is null)
        {
            running.End();
            return false;
        }

        var state = running.State;
        var now = clock.UtcNow;
        lock (running.Gate)
        {
            running.Ended = true;
            InvocationTransitions.CompleteAttempt(state, new AttemptRecord
            {
                Attempt = state.AttemptCount,
                StartedAt = end.StartedAt,
                FinishedAt = end.FinishedAt,
                Outcome = end.Outcome.ToString(),
                DueAt = state.ReceivedAt,
            }, null);
            InvocationTransitions.Finish(state, InvocationCondition.Success, now, now + _options.Retention, null, end.Payload);
        }

        if (HandOffBuilder.Build(requestId, state, function, now).Count > 0)
        {
            return false;
        }

        InvocationTransitions.LeaveOutPayloads(state, recordQualifier, function.ExecutedVersion);
        if (!await store.TryWriteUntouchedAsync(requestId, until, state, state.RetainUntil!.Value))
        {
            return false;
        }

        InvocationGrain.LogCompleted(logger, requestId, state.FunctionName, InvocationCondition.Success, state.AttemptCount);
        execution.Publish(InvocationEventKind.Completed, requestId, state.FunctionName, state.AttemptCount, condition: InvocationCondition.Success);
        return true;
    }

    /// <summary>A first attempt running here: its state, readable by status reads until the attempt has ended.</summary>
    private sealed class Running(InvocationState state)
    {
        public InvocationState State { get; } = state;

        public Lock Gate { get; } = new();

        public bool Ended { get; set; }

        public void End()
        {
            lock (Gate)
            {
                Ended = true;
            }
        }
    }

    [LoggerMessage(EventId = LogEvents.FirstAttemptFailed, Level = LogLevel.Warning, Message = "The first attempt of {RequestId} could not end here; its stored wake-up runs it again")]
    private static partial void LogFailed(ILogger logger, Exception exception, string requestId);
}
