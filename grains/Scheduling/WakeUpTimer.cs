namespace Orleans.AsyncInvoke.Scheduling;

/// <summary>
/// The precise, in-memory wake-up of a grain: one grain timer, re-created on every reschedule. A fresh timer is
/// armed at once against the current clock; changing a timer from inside its own tick would only take effect after
/// the tick returns, measured from whatever the clock says then.
/// </summary>
internal sealed class WakeUpTimer
{
    private IGrainTimer? _timer;

    public void Schedule(IGrainBase grain, Func<Task> callback, TimeSpan wait)
    {
        _timer?.Dispose();
        _timer = grain.RegisterGrainTimer(
            static (tick, _) => tick(),
            callback,
            new GrainTimerCreationOptions
            {
                DueTime = wait < TimeSpan.Zero ? TimeSpan.Zero : wait,
                Period = Timeout.InfiniteTimeSpan,
                Interleave = false,
                KeepAlive = true,
            });
    }

    public void Cancel()
    {
        _timer?.Dispose();
        _timer = null;
    }
}
