using Orleans.AsyncInvoke.Invocations.Storage;

namespace Orleans.AsyncInvoke.Invocations;

/// <summary>Where the invocation waits: its stored wake-up, its precise timer, and when it leaves memory.</summary>
public sealed partial class InvocationGrain
{
    /// <summary>Stores a waiting state with its wake-up, then keeps the precise timer or lets the index be the clock.</summary>
    private async Task SaveAndWaitAsync(DateTimeOffset due)
    {
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
            // Just past the lease of a first attempt from memory: its conditional final write then finds the
            // invocation touched, and a lost silo's attempt still runs again right after the lease.
            { FirstAttemptUntil: { } until } when until > now => until.AddMilliseconds(1),
            _ when S.NextAttemptAt is { } due => ShortWait(due) ? due + _options.ReminderPeriod : due,
            _ => now + _options.ReminderPeriod,
        };
        _storedWakeAt = wakeAt;
        return store.WriteAsync(RequestId, S, wakeAt, outbox);
    }

    private void ScheduleTimer(DateTimeOffset due)
    {
        _idleTimer?.Dispose();
        _idleTimer = null;
        _timer.Schedule(this, RunDueWorkAsync, due - clock.UtcNow);
    }
}
