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
    internal static readonly TimeSpan ShortestDeferral = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan LongestDeferral = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan StaleMargin = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(20);
    private readonly IDeliveryStore _store;
    private readonly Dictionary<DestinationKind, IDestinationAdapter> _adapters;
    private readonly RetryPolicy _retries;
    private readonly PlatformClock _clock;
    private readonly AsyncInvokeOptions _options;
    private readonly ILogger<DeliveryPump> _logger;
    private readonly ConcurrentDictionary<string, DeliveryLane> _lanes = new(StringComparer.Ordinal);
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
        // A stopping silo takes nothing new: what completes now is due at once for the silos that stay.
        return Held + count <= _options.DeliveriesInFlight && !_stopping.IsCancellationRequested
            ? new HandOver(now + Lease, Local: true)
            : new HandOver(now, Local: false);
    }

    /// <summary>Hands stored deliveries leased to this silo to their lanes.</summary>
    public void Submit(IReadOnlyList<Delivery> deliveries)
    {
        var deferred = new List<Delivery>();
        var touched = new HashSet<DeliveryLane>();
        var now = _clock.UtcNow;
        foreach (var delivery in deliveries)
        {
            if (!_inHand.TryAdd(delivery.Id, 0))
            {
                // Claimed again while this silo still holds it: the claim only renewed its lease.
                continue;
            }

            var lane = _lanes.GetOrAdd(delivery.Destination, key => new DeliveryLane(key, _adapters, _options.DeliveryConcurrency, _options.DeliveriesInFlight / 4));
            lock (lane)
            {
                if (lane.Waiting.Count >= lane.Capacity())
                {
                    deferred.Add(delivery);
                    _inHand.TryRemove(delivery.Id, out _);
                    continue;
                }

                lane.Waiting.Enqueue((delivery, now));
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

    public void Dispose()
    {
        _stopping.Dispose();
    }

    /// <summary>When stored deliveries are due, and whether this silo delivers them from memory.</summary>
    public readonly record struct HandOver(DateTimeOffset DueAt, bool Local);
}
