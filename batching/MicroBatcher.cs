using System.Collections.Concurrent;

namespace Orleans.AsyncInvoke.Batching;

/// <summary>
/// Gathers concurrent single requests into batches without waiting for a batch to fill: a request goes out at once
/// when a send slot is free, and requests that arrive while every slot is busy leave together in the next batch.
/// A lone caller pays no added latency; a crowd pays one round trip per batch instead of one per request.
/// </summary>
/// <typeparam name="TItem">A request.</typeparam>
/// <typeparam name="TResult">Its answer.</typeparam>
public sealed class MicroBatcher<TItem, TResult>
{
    private readonly Func<TItem[], Task<TResult[]>> _send;
    private readonly int _maxBatch;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentQueue<(TItem Item, TaskCompletionSource<TResult> Done)> _queue = new();
    private int _draining;

    /// <summary>Creates a batcher.</summary>
    /// <param name="send">Sends one batch; answers in the order of the items.</param>
    /// <param name="maxBatch">Most items in one batch.</param>
    /// <param name="maxInFlight">Most batches in flight at once.</param>
    public MicroBatcher(Func<TItem[], Task<TResult[]>> send, int maxBatch = 256, int maxInFlight = 4)
    {
        _send = send;
        _maxBatch = maxBatch;
        _slots = new SemaphoreSlim(maxInFlight, maxInFlight);
    }

    /// <summary>Queues <paramref name="item"/> and completes with its answer, or with the batch's failure.</summary>
    public Task<TResult> SendAsync(TItem item)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Enqueue((item, done));
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            _ = Task.Run(DrainAsync);
        }

        return done.Task;
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            while (!_queue.IsEmpty)
            {
                await _slots.WaitAsync();
                var batch = new List<(TItem Item, TaskCompletionSource<TResult> Done)>();
                while (batch.Count < _maxBatch && _queue.TryDequeue(out var entry))
                {
                    batch.Add(entry);
                }

                if (batch.Count == 0)
                {
                    _slots.Release();
                    break;
                }

                _ = SendBatchAsync(batch);
            }

            Volatile.Write(ref _draining, 0);
            // An item queued after the emptiness check but before the flag was cleared saw the flag set and left
            // the draining to us: look once more.
            if (_queue.IsEmpty || Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
            {
                return;
            }
        }
    }

    private async Task SendBatchAsync(List<(TItem Item, TaskCompletionSource<TResult> Done)> batch)
    {
        try
        {
            var results = await _send([.. batch.Select(b => b.Item)]);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(results[i]);
            }
        }
        catch (Exception ex)
        {
            foreach (var (_, done) in batch)
            {
                done.TrySetException(ex);
            }
        }
        finally
        {
            _slots.Release();
        }
    }
}
