namespace Orleans.AsyncInvoke.Destinations;

/// <summary>The claim loop: every <c>WakeUpInterval</c>, or at once when nudged, it claims what is due from the index.</summary>
public sealed partial class DeliveryPump
{
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

        // A graceful stop hands back what waits in the lanes (due at once for the other silos) and lets what runs
        // finish, acknowledgement included, within the stop's bound. Cut off between the send and its acknowledgement,
        // a delivery comes back after its lease and its record arrives twice.
        await HandBackWaitingAsync();
        // Real time, not the platform clock: the deliveries in flight finish in real time, and a test's fake clock
        // must not hold a stop forever. At most one delivery attempt's timeout, whatever the caller's bound.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(_options.DeliveryTimeout + DrainPoll);
        try
        {
            while (Held > 0)
            {
                await Task.Delay(DrainPoll, bound.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Out of time: what still runs comes back after its lease, as after a crash.
        }
    }

    private async Task HandBackWaitingAsync()
    {
        foreach (var lane in _lanes.Values)
        {
            List<Delivery> waiting;
            lock (lane)
            {
                waiting = [.. lane.Waiting.Select(w => w.Delivery)];
                lane.Waiting.Clear();
            }

            if (waiting.Count > 0)
            {
                Forget(waiting);
                try
                {
                    await _store.ReleaseAsync(waiting, _clock.UtcNow);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    LogPumpFailed(_logger, ex);
                }
            }
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
}
