using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Destinations.Storage;
using Orleans.AsyncInvoke.Diagnostics;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Scheduling;
using Orleans.Runtime;
using Orleans.AsyncInvoke.Batching;

namespace Orleans.AsyncInvoke.Destinations;

/// <summary>
/// Delivers what the <see cref="IDeliveryStore"/> holds. Every silo runs one. Deliveries reach it two ways: straight
/// from memory, when this silo stored them (an invocation's outbox, a fan-out) already leased to itself; or claimed
/// from the store's due index (retries, redrives, and whatever a lost silo held once its lease ran out). Each
/// destination has a lane with at most <see cref="AsyncInvokeOptions.DeliveryConcurrency"/> calls in flight;
/// built-in targets take batches. A delivered batch is acknowledged in batches too; a failed one is retried with
/// backoff (1 s doubling to 5 min) for <see cref="AsyncInvokeOptions.DeliveryRetryWindow"/>, then parked.
/// </summary>
public sealed partial class DeliveryPump : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private const int ClaimSize = 1000;
    private static readonly TimeSpan ShortestDeferral = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestDeferral = TimeSpan.FromMinutes(1);
    private readonly IDeliveryStore _store;
    private readonly Dictionary<DestinationKind, IDestinationAdapter> _adapters;
    private readonly RetryPolicy _retries;
    private readonly PlatformClock _clock;
    private readonly AsyncInvokeOptions _options;
    private readonly ILogger<DeliveryPump> _logger;
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _inHand = new(StringComparer.Ordinal);
    private readonly MicroBatcher<Delivery, bool> _acknowledgements;
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _nudge = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _held;
    private Task? _loop;

    public DeliveryPump(
        IDeliveryStore store,
        IEnumerable<IDestinationAdapter> adapters,
        RetryPolicy retries,
        PlatformClock clock,
        IOptions<AsyncInvokeOptions> options,
        ILogger<DeliveryPump> logger)
    {
        _store = store;
        _adapters = adapters.ToDictionary(a => a.Kind);
        _retries = retries;
        _clock = clock;
        _options = options.Value;
        _logger = logger;
        _acknowledgements = new MicroBatcher<Delivery, bool>(AcknowledgeAsync, maxBatch: 512, maxInFlight: 4);
    }

    /// <summary>
    /// How long a delivery this silo took stays its own before any silo may take it again: two attempt timeouts and
    /// ten seconds, more than a delivery waits in a lane (about ten seconds of its drain rate) plus one attempt.
    /// </summary>
    public TimeSpan Lease => (_options.DeliveryTimeout * 2) + TimeSpan.FromSeconds(10);

    /// <summary>Deliveries this silo holds now (in flight or waiting for a slot).</summary>
    public int Held => Volatile.Read(ref _held);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(DeliveryPump), ServiceLifecycleStage.Active, Start, StopAsync);

    /// <summary>
    /// When <paramref name="count"/> deliveries about to be stored should be due: leased to this silo when it has
    /// room (store them, then <see cref="Submit"/> them), or due at once for any silo's pump to claim.
    /// </summary>
    public HandOver Reserve(int count)
    {
        var now = _clock.UtcNow;
        return Held + count <= _options.DeliveriesInFlight ? new HandOver(now + Lease, Local: true) : new HandOver(now, Local: false);
    }

    /// <summary>Hands stored deliveries leased to this silo to their lanes.</summary>
    public void Submit(IReadOnlyList<Delivery> deliveries)
    {
        var deferred = new List<Delivery>();
        var touched = new HashSet<Lane>();
        foreach (var delivery in deliveries)
        {
            if (!_inHand.TryAdd(delivery.Id, 0))
            {
                // Claimed again while this silo still holds it: the claim only renewed its lease.
                continue;
            }

            var lane = _lanes.GetOrAdd(delivery.Destination, key => new Lane(key, _adapters, _options.DeliveryConcurrency));
            lock (lane)
            {
                if (lane.Waiting.Count >= lane.Capacity())
                {
                    deferred.Add(delivery);
                    _inHand.TryRemove(delivery.Id, out _);
                    continue;
                }

                lane.Waiting.Enqueue(delivery);
            }

            Interlocked.Increment(ref _held);
            touched.Add(lane);
        }

        foreach (var lane in touched)
        {
            Drain(lane);
        }

        foreach (var group in deferred.GroupBy(d => d.Destination, StringComparer.Ordinal))
        {
            _ = DeferAsync(_lanes[group.Key], [.. group]);
        }
    }

    /// <summary>Makes the pump look at the due index now (after a redrive, or deliveries stored due at once).</summary>
    public void Nudge() => Volatile.Read(ref _nudge).TrySetResult();

    /// <summary>Claims what is due now and hands it to the lanes; returns how many were claimed.</summary>
    public async Task<int> PumpOnceAsync()
    {
        var room = Math.Min(ClaimSize, _options.DeliveriesInFlight - Held);
        if (room <= 0)
        {
            return 0;
        }

        var due = await _store.ClaimDueAsync(_clock.UtcNow, Lease, room);
        Submit(due);
        return due.Count;
    }

    private Task Start(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            // A fresh signal before looking: a nudge from here on wakes the wait below.
            var nudge = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _nudge, nudge);
            var claimed = 0;
            try
            {
                claimed = await PumpOnceAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The store is unreachable: nothing is lost, the deliveries wait in the index.
                LogPumpFailed(_logger, ex);
            }

            if (claimed < ClaimSize)
            {
                using var wake = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                await Task.WhenAny(Task.Delay(_options.WakeUpInterval, _clock.Time, wake.Token), nudge.Task);
                await wake.CancelAsync();
            }
        }
    }

    private void Drain(Lane lane)
    {
        List<List<Delivery>>? batches = null;
        lock (lane)
        {
            while (lane.Running < lane.Concurrency && lane.Waiting.Count > 0)
            {
                var batch = new List<Delivery>(Math.Min(lane.MaxBatch, lane.Waiting.Count));
                while (batch.Count < lane.MaxBatch && lane.Waiting.TryDequeue(out var next))
                {
                    batch.Add(next);
                }

                lane.Running++;
                (batches ??= []).Add(batch);
            }
        }

        foreach (var batch in batches ?? [])
        {
            _ = Task.Run(() => RunAsync(lane, batch));
        }
    }

    private async Task RunAsync(Lane lane, List<Delivery> batch)
    {
        try
        {
            await DeliverAsync(lane, batch);
        }
        finally
        {
            foreach (var delivery in batch)
            {
                _inHand.TryRemove(delivery.Id, out _);
            }

            Interlocked.Add(ref _held, -batch.Count);
            lock (lane)
            {
                lane.Running--;
                lane.Count(batch.Count, _clock.UtcNow);
            }

            Drain(lane);
        }
    }

    private async Task DeliverAsync(Lane lane, List<Delivery> batch)
    {
        var spans = new Activity?[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            spans[i] = AsyncInvokeInstruments.StartSpan("deliver", batch[i].Message.TraceParent, ActivityKind.Producer);
            spans[i]?.SetTag("asyncinvoke.destination", lane.Key);
            spans[i]?.SetTag("faas.invocation_id", batch[i].Message.RequestId);
        }

        IReadOnlyList<Delivery> followUps;
        try
        {
            var adapter = lane.Adapter
                ?? throw new NotSupportedException($"No adapter delivers to {lane.Address?.Kind.ToString() ?? "this kind of"} destination in this runtime.");
            using var timeout = new CancellationTokenSource(_options.DeliveryTimeout, _clock.Time);
            followUps = await adapter.DeliverAsync(lane.Address!, [.. batch.Select(d => d.Message)], timeout.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            foreach (var span in spans)
            {
                span?.SetStatus(ActivityStatusCode.Error, ex.Message);
                span?.Dispose();
            }

            await Task.WhenAll(batch.Select(d => FailAsync(lane, d, ex)));
            return;
        }

        foreach (var span in spans)
        {
            span?.Dispose();
        }

        try
        {
            if (followUps.Count == 0)
            {
                await Task.WhenAll(batch.Select(_acknowledgements.SendAsync));
                return;
            }

            var handOver = Reserve(followUps.Count);
            var added = await _store.CompleteAsync(batch, followUps, handOver.DueAt);
            if (added == followUps.Count && handOver.Local)
            {
                Submit(followUps);
            }
            else if (added > 0)
            {
                // Some were stored before (a repeated fan-out): let the index hand out the new ones.
                await _store.ReleaseAsync(followUps, _clock.UtcNow);
                Nudge();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Delivered but not acknowledged: the lease brings the batch back, and it is delivered again.
            LogAcknowledgeFailed(_logger, ex, lane.Key, batch.Count);
        }
    }

    private async Task FailAsync(Lane lane, Delivery delivery, Exception error)
    {
        var tag = new KeyValuePair<string, object?>("destination", lane.Key);
        AsyncInvokeInstruments.DestinationDeliveryFailures.Add(1, tag);
        if (delivery.Message.Id.EndsWith(DestinationMessage.DeadLetterSuffix, StringComparison.Ordinal))
        {
            AsyncInvokeInstruments.DeadLetterErrors.Add(1, tag);
        }

        var failed = delivery with { Attempts = delivery.Attempts + 1, LastError = error.Message };
        try
        {
            var verdict = _retries.AfterThrottle(failed.Attempts, null, failed.FirstAttemptAt, _options.DeliveryRetryWindow);
            if (verdict.DueAt is { } due)
            {
                await _store.RetryAtAsync(failed, due);
                LogRetrying(_logger, lane.Key, delivery.Message.Id, failed.Attempts, error.Message, due);
            }
            else
            {
                await _store.ParkAsync(failed, _clock.UtcNow);
                LogParked(_logger, lane.Key, delivery.Message.Id, failed.Attempts, error.Message);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Could not record the failure: the lease brings the delivery back as it was.
            LogPumpFailed(_logger, ex);
        }
    }

    private async Task<bool[]> AcknowledgeAsync(Delivery[] delivered)
    {
        await _store.CompleteAsync(delivered, [], _clock.UtcNow);
        return new bool[delivered.Length];
    }

    private async Task DeferAsync(Lane lane, List<Delivery> deferred)
    {
        // A lane with more waiting than it drains in a few seconds: the rest waits in the index, not in memory.
        TimeSpan wait;
        lock (lane)
        {
            wait = lane.TimeToDrain();
        }

        try
        {
            await _store.ReleaseAsync(deferred, _clock.UtcNow + wait);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogPumpFailed(_logger, ex);
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
    }

    /// <summary>When stored deliveries are due, and whether this silo delivers them from memory.</summary>
    public readonly record struct HandOver(DateTimeOffset DueAt, bool Local);

    /// <summary>One destination's deliveries on this silo: waiting, running, and how fast they drain.</summary>
    private sealed class Lane
    {
        private long _countedSince;
        private long _counted;
        private double _perSecond;

        public Lane(string key, Dictionary<DestinationKind, IDestinationAdapter> adapters, int concurrency)
        {
            Key = key;
            Address = DestinationAddress.TryParse(key);
            Adapter = Address is null ? null : adapters.GetValueOrDefault(Address.Kind);
            MaxBatch = Math.Max(1, Adapter?.MaxBatch ?? 1);
            Concurrency = concurrency;
        }

        public string Key { get; }

        public DestinationAddress? Address { get; }

        public IDestinationAdapter? Adapter { get; }

        public int MaxBatch { get; }

        public int Concurrency { get; }

        public Queue<Delivery> Waiting { get; } = new();

        public int Running { get; set; }

        /// <summary>
        /// How many may wait: what the lane drains in about ten seconds (at least one round of its slots), so nothing
        /// waits here anywhere near its lease.
        /// </summary>
        public int Capacity()
        {
            var round = Concurrency * MaxBatch;
            return _perSecond <= 0 ? round * 4 : Math.Max(round, (int)Math.Min(int.MaxValue / 2, _perSecond * 10));
        }

        /// <summary>How long the deliveries waiting here take to drain at the measured rate.</summary>
        public TimeSpan TimeToDrain()
        {
            var seconds = _perSecond <= 0 ? 1 : (Waiting.Count + (Running * MaxBatch)) / _perSecond;
            var wait = TimeSpan.FromSeconds(seconds);
            return wait < ShortestDeferral ? ShortestDeferral : wait > LongestDeferral ? LongestDeferral : wait;
        }

        /// <summary>Counts finished deliveries into the drain rate (one-second windows, smoothed).</summary>
        public void Count(int finished, DateTimeOffset now)
        {
            var ms = now.ToUnixTimeMilliseconds();
            if (_countedSince == 0)
            {
                _countedSince = ms;
            }

            _counted += finished;
            var elapsed = ms - _countedSince;
            if (elapsed >= 1000)
            {
                var rate = _counted * 1000.0 / elapsed;
                _perSecond = _perSecond <= 0 ? rate : (_perSecond + rate) / 2;
                _counted = 0;
                _countedSince = ms;
            }
        }
    }

    [LoggerMessage(EventId = LogEvents.DeliveryRetrying, Level = LogLevel.Warning, Message = "Delivery of {MessageId} to {Destination} failed (attempt {Attempts}: {Error}); retry due at {DueAt:O}")]
    private static partial void LogRetrying(ILogger logger, string destination, string messageId, int attempts, string error, DateTimeOffset dueAt);

    [LoggerMessage(EventId = LogEvents.DeliveryParked, Level = LogLevel.Error, Message = "Delivery of {MessageId} to {Destination} parked after {Attempts} attempts; last error: {Error}")]
    private static partial void LogParked(ILogger logger, string destination, string messageId, int attempts, string error);

    [LoggerMessage(EventId = LogEvents.DeliveryPumpFailed, Level = LogLevel.Warning, Message = "Reaching the delivery store failed; the deliveries involved come back after their lease")]
    private static partial void LogPumpFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = LogEvents.DeliveryAcknowledgeFailed, Level = LogLevel.Warning, Message = "{Count} deliveries to {Destination} were delivered but not acknowledged; they are delivered again after their lease")]
    private static partial void LogAcknowledgeFailed(ILogger logger, Exception exception, string destination, int count);
}
