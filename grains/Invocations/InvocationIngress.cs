using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Diagnostics;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Invocations.Storage;
using Orleans.AsyncInvoke.Scheduling;
using Orleans.AsyncInvoke.Batching;

namespace Orleans.AsyncInvoke.Invocations;

/// <summary>
/// The accept path. A batch of events costs one function lookup per distinct function and one pipelined store
/// write per event (state and durable wake-up together); then each first attempt starts from memory. The wake-up
/// stored with an event is a backstop one period ahead: it fires only if the start is lost with its silo.
/// </summary>
public sealed partial class InvocationIngress
{
    private readonly IInvocationStore _store;
    private readonly IGrainFactory _grains;
    private readonly PlatformClock _clock;
    private readonly AsyncInvokeOptions _options;
    private readonly IInvocationObserver[] _observers;
    private readonly VersionRouter _router;
    private readonly ILogger<InvocationIngress> _logger;
    private readonly MicroBatcher<AcceptItem, AcceptOutcome> _batcher;
    private readonly FunctionResolutionCache _resolutions;
    private readonly InvocationRequestValidation _validation;
    private readonly GrainReferences<IInvocationGrain> _invocations;
    private readonly GrainReferences<IFunctionGrain> _functions;
    private readonly FirstAttempts _firstAttempts;
    private int _startsInFlight;

    /// <summary>How long an accept waits for a function grain when it knows the function's last resolution.</summary>
    private static readonly TimeSpan ResolveBound = TimeSpan.FromSeconds(2);

    public InvocationIngress(
        IInvocationStore store,
        IGrainFactory grains,
        PlatformClock clock,
        IOptions<AsyncInvokeOptions> options,
        IEnumerable<IInvocationObserver> observers,
        VersionRouter router,
        ILogger<InvocationIngress> logger,
        FunctionResolutionCache resolutions,
        InvocationRequestValidation validation,
        FirstAttempts firstAttempts)
    {
        _firstAttempts = firstAttempts;
        _validation = validation;
        _router = router;
        _resolutions = resolutions;
        _store = store;
        _grains = grains;
        _invocations = new(grains);
        _functions = new(grains);
        _clock = clock;
        _options = options.Value;
        _observers = [.. observers];
        _logger = logger;
        _batcher = new MicroBatcher<AcceptItem, AcceptOutcome>(items => AcceptBatchAsync(items, startFirstAttempts: true), maxBatch: 256, maxInFlight: 8);
    }

    /// <summary>Accepts one event (batched with concurrent ones); throws the refusal as <see cref="AsyncInvokeException"/>.</summary>
    public async Task<string> AcceptAsync(string requestId, InvocationRequest request) =>
        (await _batcher.SendAsync(new AcceptItem { RequestId = requestId, Request = request })).QualifierOrThrow();

    /// <summary>Accepts a batch: every event is stored (or refused, or found already stored) before this returns.</summary>
    /// <param name="items">The events.</param>
    /// <param name="startFirstAttempts">Whether to start the grains of the new invocations (the grain's own accept starts itself).</param>
    public async Task<AcceptOutcome[]> AcceptBatchAsync(IReadOnlyList<AcceptItem> items, bool startFirstAttempts)
    {
        var outcomes = new AcceptOutcome?[items.Count];
        var functions = await ResolveAsync(items);
        var now = _clock.UtcNow;
        var requests = await NormalizeAsync(items, now, outcomes);
        var accepted = new InvocationRequest?[items.Count];
        var writes = new Task<bool>?[items.Count];
        var spans = new Activity?[items.Count];
        var startNow = new bool[items.Count];
        var routed = new ResolvedFunction?[items.Count];
        var firstUntil = new DateTimeOffset?[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            if (outcomes[i] is not null)
            {
                continue;
            }

            var (requestId, request) = (items[i].RequestId, requests[i]);
            if (request.Payload.Length > _options.MaxAsyncPayloadBytes)
            {
                outcomes[i] = AcceptOutcome.Refused(requestId, ErrorCodes.TooLarge($"Request must be smaller than {_options.MaxAsyncPayloadBytes} bytes for the Event invocation type."));
                continue;
            }

            var function = functions[(request.FunctionName, request.Qualifier)];
            if (function.Error is { } error)
            {
                outcomes[i] = AcceptOutcome.Refused(requestId, error);
                continue;
            }

            // A weighted alias is split per event, here, once: every attempt of the event runs the version drawn.
            routed[i] = _router.Route(function.Resolved!);
            var span = spans[i] = AsyncInvokeInstruments.StartSpan("accept", request.TraceParent);
            span?.SetTag("faas.invoked_name", request.FunctionName);
            span?.SetTag("faas.invocation_id", requestId);
            accepted[i] = request with
            {
                FunctionName = function.Resolved!.Definition.Name,
                Qualifier = function.Resolved.Qualifier,
                // Saved so every attempt and delivery, on any silo and after any restart, continues the same trace.
                TraceParent = span?.Id ?? request.TraceParent,
            };
            // Within the limit the first attempt starts from memory and the stored wake-up is a backstop a period
            // ahead. Past it (accepts outrunning attempts) the event waits in the index, due now, and the wake-up
            // pump starts it as capacity frees: memory stays bounded however fast events arrive.
            // A delayed event waits in the index until it is due; an event of a paused function is stored held, so
            // pausing costs an accept nothing more than its one write.
            var state = InvocationState.Accepted(accepted[i]!, now, routed[i]!.RoutedVersion);
            var later = state.NextAttemptAt > now;
            var held = !later && routed[i]!.AsyncPaused;
            if (held)
            {
                InvocationTransitions.Hold(state, now + _options.ReminderPeriod);
            }

            var fromMemory = !later && !held && startFirstAttempts && Interlocked.Increment(ref _startsInFlight) <= _options.MaxStartsInFlight;
            if (startFirstAttempts && !later && !held && !fromMemory)
            {
                Interlocked.Decrement(ref _startsInFlight);
            }

            startNow[i] = fromMemory;
            var wakeAt = later || held ? state.NextAttemptAt!.Value : fromMemory || !startFirstAttempts ? now + _options.ReminderPeriod : now;
            if (fromMemory && _firstAttempts.CanRun(accepted[i]!, routed[i]!))
            {
                // The first attempt runs from memory without an activation of the invocation grain, until the
                // stored wake-up: the grain takes over only when the outcome needs it (or a cancel comes first).
                state.FirstAttemptUntil = wakeAt;
            }

            firstUntil[i] = state.FirstAttemptUntil;
            writes[i] = _store.TryCreateAsync(requestId, state, wakeAt);
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (writes[i] is not { } write)
            {
                continue;
            }

            var requestId = items[i].RequestId;
            var created = false;
            try
            {
                if (created = await write)
                {
                    OnAccepted(requestId, accepted[i]!, now, startNow[i] ? routed[i] : null, firstUntil[i]);
                    outcomes[i] = AcceptOutcome.Accepted(requestId, accepted[i]!.Qualifier!);
                }
                else
                {
                    outcomes[i] = AcceptOutcome.Accepted(requestId, await ExistingQualifierAsync(requestId) ?? accepted[i]!.Qualifier!, existed: true);
                }
            }
            catch (ReplicaConfirmationException ex)
            {
                // Stored on the master, but a failover now could lose it: not acknowledged. Sent again, the event is
                // accepted again (or found stored, under a caller's own request id), and confirmed then.
                LogStoreFailed(_logger, ex, requestId);
                spans[i]?.SetStatus(ActivityStatusCode.Error, ex.Message);
                outcomes[i] = AcceptOutcome.Refused(requestId, ErrorCodes.ServiceFailure(
                    "The event was not confirmed by a Redis replica in time (AsyncInvoke:Redis:WaitForReplicas); it was not accepted. Try again."));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException and not AsyncInvokeException)
            {
                // Not stored, so not acknowledged: the caller sees a service error and may send it again.
                LogStoreFailed(_logger, ex, requestId);
                spans[i]?.SetStatus(ActivityStatusCode.Error, ex.Message);
                outcomes[i] = AcceptOutcome.Refused(requestId, ErrorCodes.ServiceFailure("The event could not be stored; it was not accepted. Try again."));
            }
            finally
            {
                spans[i]?.Dispose();
                if (startNow[i] && !created)
                {
                    Interlocked.Decrement(ref _startsInFlight);
                }
            }
        }

        return [.. outcomes.Select(o => o!)];
    }

    private void OnAccepted(string requestId, InvocationRequest accepted, DateTimeOffset now, ResolvedFunction? start, DateTimeOffset? firstAttemptUntil)
    {
        LogAccepted(_logger, requestId, accepted.FunctionName, accepted.Qualifier!);
        AsyncInvokeInstruments.AsyncEventsReceived.Add(1, AsyncInvokeInstruments.Function(accepted.FunctionName));
        if (_observers.Length > 0)
        {
            var e = new InvocationEvent(InvocationEventKind.Accepted, requestId, accepted.FunctionName, 0, now);
            foreach (var observer in _observers)
            {
                observer.OnEvent(e);
            }
        }

        if (start is not null)
        {
            // Not awaited: the event is already durable, and its stored wake-up starts it if this call is lost.
            _ = CountWhileRunningAsync(firstAttemptUntil is { } until
                ? _firstAttempts.RunAsync(requestId, accepted, now, start, until)
                : _invocations.Get(requestId).StartAsync(accepted, now, start));
        }
    }

    private async Task CountWhileRunningAsync(Task firstAttempt)
    {
        try
        {
            await firstAttempt;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A lost start (or one that outlived the call timeout): the stored wake-up covers it.
            LogStartFailed(_logger, ex);
        }
        finally
        {
            Interlocked.Decrement(ref _startsInFlight);
        }
    }

    /// <summary>
    /// Each item's request with its delay made absolute and its own settings checked; a refused one gets its outcome
    /// here. Events without a delay or settings of their own (nearly all) pass untouched, with no work at all.
    /// </summary>
    private async Task<InvocationRequest[]> NormalizeAsync(IReadOnlyList<AcceptItem> items, DateTimeOffset now, AcceptOutcome?[] outcomes)
    {
        var requests = new InvocationRequest[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var request = requests[i] = items[i].Request;
            if (!InvocationRequestValidation.HasExtras(request))
            {
                continue;
            }

            try
            {
                requests[i] = await _validation.NormalizeAsync(request, now);
            }
            catch (AsyncInvokeException ex)
            {
                outcomes[i] = AcceptOutcome.Refused(items[i].RequestId, ex);
            }
        }

        return requests;
    }

    private async Task<Dictionary<(string, string?), Resolution>> ResolveAsync(IReadOnlyList<AcceptItem> items)
    {
        var keys = items.Select(i => (i.Request.FunctionName, i.Request.Qualifier)).Distinct().ToArray();
        var lookups = keys.Select(key => ResolveAsync(key.FunctionName, key.Qualifier)).ToArray();
        var results = await Task.WhenAll(lookups);
        var map = new Dictionary<(string, string?), Resolution>(keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            map[keys[i]] = results[i];
        }

        return map;
    }

    private async Task<Resolution> ResolveAsync(string name, string? qualifier)
    {
        var known = _resolutions.TryGet(name, qualifier, out var last);
        try
        {
            var call = _functions.Get(name).ResolveAsync(qualifier);
            var resolved = known ? await call.WaitAsync(ResolveBound) : await call;
            _resolutions.Remember(name, qualifier, resolved);
            return new Resolution(resolved, null);
        }
        catch (AsyncInvokeException ex)
        {
            _resolutions.Forget(name, qualifier);
            return new Resolution(null, ex);
        }
        catch (Exception ex) when (known && ex is not OutOfMemoryException)
        {
            // The grain is out of reach (its silo just died, or the cluster is still electing a new home for it):
            // the definition this silo last saw keeps accepts going; without one the accept fails as before.
            LogResolvedFromCache(_logger, name, ex.GetType().Name);
            return new Resolution(last, null);
        }
    }

    /// <summary>The qualifier an invocation already stored was accepted for; null when its grain is out of reach.</summary>
    private async Task<string?> ExistingQualifierAsync(string requestId)
    {
        try
        {
            return (await _grains.GetGrain<IInvocationGrain>(requestId).GetStatusAsync().WaitAsync(ResolveBound))?.Qualifier;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not AsyncInvokeException)
        {
            // The store already holds the event (its create found it): answering with the qualifier asked for is true
            // enough, and far better than refusing an event that is kept.
            return null;
        }
    }

    private sealed record Resolution(ResolvedFunction? Resolved, AsyncInvokeException? Error);

    [LoggerMessage(EventId = LogEvents.FunctionResolvedFromCache, Level = LogLevel.Warning, Message = "Function {FunctionName} was out of reach ({Error}); its last known definition was used")]
    private static partial void LogResolvedFromCache(ILogger logger, string functionName, string error);

    [LoggerMessage(EventId = LogEvents.Accepted, Level = LogLevel.Debug, Message = "Accepted {RequestId} for {FunctionName}:{Qualifier}")]
    private static partial void LogAccepted(ILogger logger, string requestId, string functionName, string qualifier);

    [LoggerMessage(EventId = LogEvents.StartFailed, Level = LogLevel.Debug, Message = "A first attempt started from memory did not report back; its stored wake-up covers it")]
    private static partial void LogStartFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = LogEvents.AcceptStoreFailed, Level = LogLevel.Warning, Message = "Storing {RequestId} failed; it was not accepted")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string requestId);
}
