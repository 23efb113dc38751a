using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.AsyncInvoke.Diagnostics;
using Orleans.AsyncInvoke.Execution;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Scheduling;

namespace Orleans.AsyncInvoke.Invocations;

/// <summary>
/// One attempt, wherever it runs (in its invocation grain, or as a first attempt from memory): it begins the attempt
/// on the state, runs the function, and measures, traces, logs and announces it the same way every time.
/// </summary>
public sealed class AttemptExecution(
    FunctionRunner runner,
    PlatformClock clock,
    IEnumerable<IInvocationObserver> observers,
    ILogger<InvocationGrain> logger)
{
    private readonly IInvocationObserver[] _observers = [.. observers];

    /// <summary>Whether anyone listens to invocation events (building one costs an allocation).</summary>
    public bool Observed => _observers.Length > 0;

    /// <summary>The log scope of an attempt and of the steps that follow from its outcome.</summary>
    public IDisposable? Scope(string requestId, string functionName) => InvocationGrain.AttemptScope(logger, requestId, functionName);

    /// <summary>
    /// Begins an attempt on <paramref name="state"/> at <paramref name="startedAt"/>, runs
    /// <paramref name="beforeRun"/> (the grain stores the running state there when it must), then the function.
    /// </summary>
    /// <returns>The attempt's result; the state is left running (the caller applies the outcome).</returns>
    public async Task<AttemptResult> RunAsync(
        string requestId,
        InvocationState state,
        ResolvedFunction function,
        DateTimeOffset startedAt,
        Func<Task>? beforeRun = null)
    {
        var dueAt = state.NextAttemptAt ?? startedAt;
        var tag = AsyncInvokeInstruments.Function(state.FunctionName);
        AsyncInvokeInstruments.AsyncEventAge.Record((startedAt - state.ReceivedAt).TotalMilliseconds, tag);
        if (state.AttemptCount + state.ThrottleCount > 0)
        {
            AsyncInvokeInstruments.RetryLateness.Record(Math.Max(0, (startedAt - dueAt).TotalMilliseconds), tag);
        }

        using var span = AsyncInvokeInstruments.StartSpan("attempt", state.TraceParent);
        span?.SetTag("faas.invoked_name", state.FunctionName);
        span?.SetTag("faas.invocation_id", requestId);
        span?.SetTag("asyncinvoke.attempt", state.AttemptCount + 1);
        var startPublished = false;
        AttemptResult result;
        AsyncInvokeInstruments.Invocations.Add(1, tag);
        AsyncInvokeInstruments.ConcurrentExecutions.Add(1, tag);
        try
        {
            var attempt = InvocationTransitions.BeginAttempt(state, startedAt);
            if (beforeRun is not null)
            {
                await beforeRun();
            }

            InvocationGrain.LogAttemptStarted(logger, requestId, state.FunctionName, attempt);
            result = await runner.RunAsync(function.Definition, new FunctionContext
            {
                RequestId = requestId,
                FunctionName = state.FunctionName,
                ExecutedVersion = function.ExecutedVersion,
                Attempt = attempt,
                Payload = state.Payload,
                Deadline = startedAt + function.Definition.Timeout,
                Environment = function.Definition.Environment,
                TraceParent = state.TraceParent,
                Time = clock.Time,
            },
            started: () =>
            {
                startPublished = true;
                Publish(InvocationEventKind.AttemptStarted, requestId, state.FunctionName, attempt);
            });
        }
        finally
        {
            AsyncInvokeInstruments.ConcurrentExecutions.Add(-1, tag);
            AsyncInvokeInstruments.Duration.Record((clock.UtcNow - startedAt).TotalMilliseconds, tag);
            if (startPublished)
            {
                Publish(InvocationEventKind.AttemptEnded, requestId, state.FunctionName, state.AttemptCount);
            }
        }

        span?.SetTag("asyncinvoke.outcome", result.Outcome.ToString());
        if (result.Outcome == AttemptOutcome.FunctionError)
        {
            AsyncInvokeInstruments.Errors.Add(1, tag);
            span?.SetStatus(ActivityStatusCode.Error, result.Error?.ErrorMessage);
        }

        return result;
    }

    /// <summary>Tells every observer of one step of an invocation.</summary>
    public void Publish(InvocationEventKind kind, string requestId, string functionName, int attempt, DateTimeOffset? due = null, string? condition = null)
    {
        if (_observers.Length == 0)
        {
            return;
        }

        var e = new InvocationEvent(kind, requestId, functionName, attempt, clock.UtcNow, due, condition);
        foreach (var observer in _observers)
        {
            observer.OnEvent(e);
        }
    }
}
