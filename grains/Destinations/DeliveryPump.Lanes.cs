using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.AsyncInvoke.Diagnostics;

namespace Orleans.AsyncInvoke.Destinations;

/// <summary>The lanes: batches taken off each destination's queue, at most its concurrency at once, and delivered.</summary>
public sealed partial class DeliveryPump
{
    private void Drain(DeliveryLane lane)
    {
        List<List<Delivery>>? batches = null;
        List<Delivery>? stale = null;
        // A delivery that waited this long has too little of its lease left for an attempt: it goes back to the index.
        var staleBefore = _clock.UtcNow - (Lease - _options.DeliveryTimeout - StaleMargin);
        lock (lane)
        {
            while (lane.Running < lane.Concurrency && lane.Waiting.Count > 0)
            {
                var batch = new List<Delivery>(Math.Min(lane.MaxBatch, lane.Waiting.Count));
                while (batch.Count < lane.MaxBatch && lane.Waiting.TryDequeue(out var next))
                {
                    if (next.Since < staleBefore)
                    {
                        (stale ??= []).Add(next.Delivery);
                        continue;
                    }

                    batch.Add(next.Delivery);
                }

                if (batch.Count > 0)
                {
                    lane.Running++;
                    (batches ??= []).Add(batch);
                }
            }
        }

        foreach (var batch in batches ?? [])
        {
            _ = Task.Run(() => RunAsync(lane, batch));
        }

        if (stale is not null)
        {
            Forget(stale);
            _ = DeferAsync(lane, stale);
        }
    }

    /// <summary>Lets go of deliveries this silo holds without running them.</summary>
    private void Forget(List<Delivery> deliveries)
    {
        foreach (var delivery in deliveries)
        {
            _inHand.TryRemove(delivery.Id, out _);
        }

        Interlocked.Add(ref _held, -deliveries.Count);
    }

    private async Task RunAsync(DeliveryLane lane, List<Delivery> batch)
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

    private async Task DeliverAsync(DeliveryLane lane, List<Delivery> batch)
    {
        var spans = new Activity?[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            spans[i] = AsyncInvokeInstruments.StartSpan("deliver", batch[i].Message.TraceParent, ActivityKind.Producer);
            spans[i]?.SetTag("asyncinvoke.destination", lane.Shown);
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

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            foreach (var delivery in batch)
            {
                LogDelivered(_logger, delivery.Message.RequestId, delivery.Message.Id, lane.Shown, delivery.Attempts + 1);
            }
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
            LogAcknowledgeFailed(_logger, ex, lane.Shown, batch.Count);
        }
    }
}
