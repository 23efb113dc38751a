using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Hosting;

namespace Orleans.AsyncInvoke.Scheduling;

/// <summary>
/// Lambda's asynchronous retry rules as pure arithmetic: function-error retries (60 s, then 120 s) limited by the
/// retry count and by the look-ahead on event age, and throttle backoff (1 s doubling to 5 min) limited by age only.
/// </summary>
public sealed class RetryPolicy(PlatformClock clock, IOptions<AsyncInvokeOptions> options)
{
    private readonly AsyncInvokeOptions _options = options.Value;

    /// <summary>The (unscaled) wait before retry number <paramref name="retry"/> (1-based).</summary>
    public TimeSpan RetryDelay(int retry) =>
        TimeSpan.FromTicks(_options.FirstRetryDelay.Ticks * (1L << Math.Clamp(retry - 1, 0, 20)));

    /// <summary>The (unscaled) wait after throttle number <paramref name="throttle"/> (1-based), or the function's own hint.</summary>
    public TimeSpan ThrottleDelay(int throttle, TimeSpan? retryAfter)
    {
        var backoff = TimeSpan.FromTicks(_options.ThrottleInitialBackoff.Ticks * (1L << Math.Clamp(throttle - 1, 0, 30)));
        if (backoff > _options.ThrottleMaxBackoff)
        {
            backoff = _options.ThrottleMaxBackoff;
        }

        return retryAfter is { } hint && hint > backoff ? hint : backoff;
    }

    /// <summary>
    /// When the next attempt after a function error may start, or <c>null</c> when the event must end: no retries
    /// left (<see cref="RetryVerdict.Exhausted"/>) or the retry would start at or after the age limit.
    /// </summary>
    public RetryVerdict AfterFunctionError(int attemptsMade, int maximumRetryAttempts, DateTimeOffset receivedAt, TimeSpan maximumEventAge)
    {
        if (attemptsMade >= 1 + maximumRetryAttempts)
        {
            return RetryVerdict.Exhausted;
        }

        var due = clock.UtcNow + clock.Scale(RetryDelay(attemptsMade));
        return due < Expiry(receivedAt, maximumEventAge) ? RetryVerdict.At(due) : RetryVerdict.TooOld;
    }

    /// <summary>When the held-back attempt may start after a throttle, or <see cref="RetryVerdict.TooOld"/>.</summary>
    public RetryVerdict AfterThrottle(int throttles, TimeSpan? retryAfter, DateTimeOffset receivedAt, TimeSpan maximumEventAge)
    {
        var due = clock.UtcNow + clock.Scale(ThrottleDelay(throttles, retryAfter));
        return due < Expiry(receivedAt, maximumEventAge) ? RetryVerdict.At(due) : RetryVerdict.TooOld;
    }

    /// <summary>The moment the event becomes too old, under time compression.</summary>
    public DateTimeOffset Expiry(DateTimeOffset receivedAt, TimeSpan maximumEventAge) => receivedAt + clock.Scale(maximumEventAge);
}

/// <summary>What to do after a failed or held-back attempt.</summary>
/// <param name="DueAt">When to try again, if the event goes on.</param>
/// <param name="Condition">The final condition, if the event ends.</param>
public readonly record struct RetryVerdict(DateTimeOffset? DueAt, string? Condition)
{
    /// <summary>No retries left.</summary>
    public static RetryVerdict Exhausted => new(null, Invocations.InvocationCondition.RetriesExhausted);

    /// <summary>The next attempt would start too late.</summary>
    public static RetryVerdict TooOld => new(null, Invocations.InvocationCondition.EventAgeExceeded);

    /// <summary>Try again at <paramref name="due"/>.</summary>
    public static RetryVerdict At(DateTimeOffset due) => new(due, null);
}
