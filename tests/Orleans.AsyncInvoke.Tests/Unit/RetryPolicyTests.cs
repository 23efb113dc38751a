using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Scheduling;

namespace Orleans.AsyncInvoke.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class RetryPolicyTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);

    private RetryPolicy Policy(double compression = 1)
    {
        var options = Options.Create(new AsyncInvokeOptions { TimeCompression = compression });
        return new RetryPolicy(new PlatformClock(_time, options), options);
    }

    [Theory]
    [InlineData(1, 60)]
    [InlineData(2, 120)]
    [InlineData(3, 240)]
    public void RetryDelay_WhenTheRetryNumberGrows_DoublesFrom60Seconds(int retry, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Policy().RetryDelay(retry));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(5, 16)]
    [InlineData(9, 256)]
    [InlineData(10, 300)]
    [InlineData(40, 300)]
    public void ThrottleDelay_WhenTheThrottleCountGrows_DoublesFromOneSecondUpToFiveMinutes(int throttle, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Policy().ThrottleDelay(throttle, null));

    [Fact]
    public void ThrottleDelay_WhenGivenARetryAfter_HonoursItOnlyWhenLonger()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), Policy().ThrottleDelay(1, TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromSeconds(4), Policy().ThrottleDelay(3, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void AfterFunctionError_WhenRetriesRemain_SchedulesTheRetry()
    {
        var verdict = Policy().AfterFunctionError(attemptsMade: 1, maximumRetryAttempts: 2, Start, TimeSpan.FromHours(6));

        Assert.Equal(new RetryVerdict(Start.AddSeconds(60), null), verdict);
    }

    [Fact]
    public void AfterFunctionError_WhenNoRetriesRemain_IsExhausted() =>
        Assert.Equal(RetryVerdict.Exhausted, Policy().AfterFunctionError(3, 2, Start, TimeSpan.FromHours(6)));

    [Theory]
    [InlineData(60, 0, null)]
    [InlineData(61, 0, 60)]
    [InlineData(90, 0, 60)]
    [InlineData(90, 60, null)]
    [InlineData(181, 60, 180)]
    public void AfterFunctionError_WhenAMaximumEventAgeIsSet_LooksAheadAtIt(int maxAgeSeconds, int elapsedSeconds, int? retryAtSeconds)
    {
        _time.Advance(TimeSpan.FromSeconds(elapsedSeconds));
        var attemptsMade = elapsedSeconds == 0 ? 1 : 2;

        var verdict = Policy().AfterFunctionError(attemptsMade, 2, Start, TimeSpan.FromSeconds(maxAgeSeconds));

        Assert.Equal(retryAtSeconds is null ? RetryVerdict.TooOld : RetryVerdict.At(Start.AddSeconds(retryAtSeconds.Value)), verdict);
    }

    [Fact]
    public void TimeCompression_WhenSet_DividesDelaysAndAgeButNotTheConfiguredValues()
    {
        var policy = Policy(compression: 60);

        var verdict = policy.AfterFunctionError(1, 2, Start, TimeSpan.FromSeconds(90));

        Assert.Equal(TimeSpan.FromSeconds(60), policy.RetryDelay(1));
        Assert.Equal(Start.AddSeconds(1), verdict.DueAt);
        Assert.Equal(Start.AddSeconds(1.5), policy.Expiry(Start, TimeSpan.FromSeconds(90)));
    }

    [Fact]
    public void AfterThrottle_WhenTheWaitWouldPassTheAge_IsTooOld()
    {
        _time.Advance(TimeSpan.FromSeconds(50));

        Assert.Equal(RetryVerdict.TooOld, Policy().AfterThrottle(5, null, Start, TimeSpan.FromSeconds(60)));
        Assert.Equal(InvocationCondition.EventAgeExceeded, RetryVerdict.TooOld.Condition);
    }
}
