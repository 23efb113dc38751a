using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Orleans.AsyncInvoke.Execution;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Security;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class FunctionRunnerTests
{
    private readonly FakeTimeProvider _time = new();

    private sealed class DelegateRuntime(Func<FunctionContext, CancellationToken, Task<byte[]>> run) : IFunctionRuntime
    {
        public bool CanRun(string target) => target.StartsWith("test:", StringComparison.Ordinal);

        public string? Validate(string target) => null;

        public Task<byte[]> InvokeAsync(FunctionDefinition function, FunctionContext context, CancellationToken cancellationToken) =>
            run(context, cancellationToken);
    }

    private FunctionRunner Runner(Func<FunctionContext, CancellationToken, Task<byte[]>> run) =>
        new([new DelegateRuntime(run)], new StaticOptionsMonitor<ExecutionOptions>(new ExecutionOptions()), _time, NullLogger<FunctionRunner>.Instance);

    private FunctionContext Context() => new()
    {
        RequestId = "r", FunctionName = "f", ExecutedVersion = "$LATEST", Attempt = 1, Payload = [],
        Deadline = _time.GetUtcNow(), Environment = new Dictionary<string, string>(), Time = _time,
    };

    private static FunctionDefinition Definition(double timeoutSeconds = 3) =>
        new() { Name = "f", Target = "test:x", Timeout = TimeSpan.FromSeconds(timeoutSeconds) };

    [Fact]
    public async Task Run_WhenTheFunctionThrows_IsAFunctionErrorNamedAfterTheException()
    {
        var result = await Runner((_, _) => throw new ArgumentException("bad input")).RunAsync(Definition(), Context());

        Assert.Equal(AttemptOutcome.FunctionError, result.Outcome);
        Assert.Equal(("ArgumentException", "bad input"), (result.Error!.ErrorType, result.Error.ErrorMessage));
        Assert.Equal("""{"errorMessage":"bad input","errorType":"ArgumentException"}""", System.Text.Encoding.UTF8.GetString(result.Payload));
    }

    [Fact]
    public async Task Run_WhenTheFunctionIgnoresCancellation_TimesOutAtTheDeadline()
    {
        var never = new TaskCompletionSource<byte[]>();
        var run = Runner((_, _) => never.Task).RunAsync(Definition(2.5), Context());

        _time.Advance(TimeSpan.FromMilliseconds(2499));
        Assert.False(run.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await run;

        Assert.Equal(AttemptOutcome.FunctionError, result.Outcome);
        Assert.Equal("Task timed out after 2.50 seconds", result.Error!.ErrorMessage);
    }

    [Fact]
    public async Task Run_WhenTheFunctionAsksForALaterAttempt_IsAThrottleWithItsHint()
    {
        var result = await Runner((_, _) => throw new FunctionThrottledException("busy", TimeSpan.FromSeconds(7))).RunAsync(Definition(), Context());

        Assert.Equal(AttemptOutcome.Throttled, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
    }

    [Fact]
    public async Task Run_WhenTargetHasNoRuntime_IsAFunctionError()
    {
        var result = await Runner((_, _) => Task.FromResult<byte[]>([])).RunAsync(Definition() with { Target = "gopher://x" }, Context());

        Assert.Equal("Runtime.InvalidTarget", result.Error!.ErrorType);
    }
}
