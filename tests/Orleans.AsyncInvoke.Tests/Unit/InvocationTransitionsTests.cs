using Orleans.AsyncInvoke.Invocations;

namespace Orleans.AsyncInvoke.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class InvocationTransitionsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static InvocationState Accepted() =>
        InvocationState.Accepted(new InvocationRequest { FunctionName = "fn", Qualifier = "$LATEST", Payload = [] }, T0);

    private static AttemptRecord Record(int attempt, string outcome) => new() { Attempt = attempt, StartedAt = T0, FinishedAt = T0.AddSeconds(1), Outcome = outcome };

    [Fact]
    public void BeginAttempt_WhenPending_RunsAttemptOneAndRemembersWhereItStarted()
    {
        var state = Accepted();

        var attempt = InvocationTransitions.BeginAttempt(state, T0.AddSeconds(1));

        Assert.Equal((1, InvocationPhase.Running, InvocationPhase.Pending, T0.AddSeconds(1)), (attempt, state.Phase, state.PhaseBeforeAttempt, state.NextAttemptAt));
    }

    [Fact]
    public void ScheduleRetry_WhenTheAttemptFailed_WaitsForTheRetryWithTheErrorKept()
    {
        var state = Accepted();
        InvocationTransitions.BeginAttempt(state, T0);
        var error = new ErrorInfo("Error", "boom");

        InvocationTransitions.CompleteAttempt(state, Record(1, "FunctionError"), error);
        InvocationTransitions.ScheduleRetry(state, T0.AddSeconds(60));

        Assert.Equal((InvocationPhase.WaitingForRetry, T0.AddSeconds(60), error, 1), (state.Phase, state.NextAttemptAt, state.LastError, state.History.Count));
        Assert.Equal(2, InvocationTransitions.BeginAttempt(state, T0.AddSeconds(60)));
        Assert.Equal(InvocationPhase.WaitingForRetry, state.PhaseBeforeAttempt);
    }

    [Fact]
    public void HoldBack_WhenTheAttemptWasGivenBack_CountsAThrottleAndNoAttempt()
    {
        var state = Accepted();
        InvocationTransitions.BeginAttempt(state, T0);

        InvocationTransitions.GiveBackAttempt(state);
        InvocationTransitions.HoldBack(state, new ErrorInfo("TooManyRequestsException", "Rate Exceeded."), T0.AddSeconds(1));
        InvocationTransitions.ScheduleAfterThrottle(state, T0.AddSeconds(2));

        Assert.Equal((0, 1, InvocationPhase.Throttled, T0.AddSeconds(2)), (state.AttemptCount, state.ThrottleCount, state.Phase, state.NextAttemptAt));
        var throttled = Assert.Single(state.History);
        Assert.Equal((1, "Throttled", T0), (throttled.Attempt, throttled.Outcome, throttled.DueAt));
    }

    [Fact]
    public void Interrupt_WhenAnAttemptIsRunning_RunsTheSameAttemptAgainFromItsPhase()
    {
        var state = Accepted();
        InvocationTransitions.BeginAttempt(state, T0);
        InvocationTransitions.CompleteAttempt(state, Record(1, "FunctionError"), new ErrorInfo("Error", "boom"));
        InvocationTransitions.ScheduleRetry(state, T0.AddSeconds(60));
        InvocationTransitions.BeginAttempt(state, T0.AddSeconds(60));

        var again = InvocationTransitions.Interrupt(state, T0.AddSeconds(90));

        Assert.Equal((2, 1, InvocationPhase.WaitingForRetry, T0.AddSeconds(90)), (again, state.AttemptCount, state.Phase, state.NextAttemptAt));
        Assert.Equal("Interrupted", state.History[^1].Outcome);
        Assert.Equal(2, InvocationTransitions.BeginAttempt(state, T0.AddSeconds(90)));
    }

    [Fact]
    public void Finish_WhenTheAttemptSucceeded_IsFinalWithItsRecordAndRetention()
    {
        var state = Accepted();
        InvocationTransitions.BeginAttempt(state, T0);
        InvocationTransitions.CompleteAttempt(state, Record(1, "Success"), null);

        InvocationTransitions.Finish(state, InvocationCondition.Success, T0.AddSeconds(1), T0.AddDays(1), """{"record":1}""", [1]);

        Assert.True(state.IsFinal);
        Assert.Equal((InvocationPhase.Succeeded, "Success", T0.AddSeconds(1), T0.AddDays(1), (DateTimeOffset?)null), (state.Phase, state.Condition, state.CompletedAt, state.RetainUntil, state.NextAttemptAt));
        Assert.Equal(("""{"record":1}""", false), (state.Record, state.HandOffPending));
    }

    [Fact]
    public void Finish_WhenTheConditionIsAFailure_IsFailed()
    {
        var state = Accepted();

        InvocationTransitions.Finish(state, InvocationCondition.EventAgeExceeded, T0, T0.AddDays(1), "{}", null);

        Assert.Equal(InvocationPhase.Failed, state.Phase);
    }

    [Fact]
    public void Transitions_WhenTheyDoNotApply_AreRefused()
    {
        var running = Accepted();
        InvocationTransitions.BeginAttempt(running, T0);
        var final = Accepted();
        InvocationTransitions.Finish(final, InvocationCondition.Success, T0, T0.AddDays(1), "{}", null);

        Assert.Throws<InvalidOperationException>(() => InvocationTransitions.BeginAttempt(running, T0));
        Assert.Throws<InvalidOperationException>(() => InvocationTransitions.ScheduleRetry(running, T0));
        Assert.Throws<InvalidOperationException>(() => InvocationTransitions.HoldBack(running, null, T0));
        Assert.Throws<InvalidOperationException>(() => InvocationTransitions.Interrupt(Accepted(), T0));
        Assert.Throws<InvalidOperationException>(() => InvocationTransitions.CompleteAttempt(Accepted(), Record(1, "Success"), null));
        Assert.Throws<InvalidOperationException>(() => InvocationTransitions.Finish(final, InvocationCondition.Success, T0, T0, "{}", null));
        Assert.Throws<InvalidOperationException>(() => InvocationTransitions.BeginAttempt(final, T0));
    }
}
