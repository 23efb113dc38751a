using Microsoft.Extensions.Logging.Abstractions;
using Orleans.AsyncInvoke.Execution;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Security;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Security;

/// <summary>Targets that run a program on the silo's machine are refused unless allowed, at create and at run.</summary>
[Trait("Category", "Unit")]
public sealed class LocalProgramsTests
{
    private sealed class LocalRuntime : IFunctionRuntime
    {
        public int Runs { get; private set; }

        public bool RunsLocalPrograms => true;

        public bool CanRun(string target) => target.StartsWith("local:", StringComparison.Ordinal);

        public string? Validate(string target) => null;

        public Task<byte[]> InvokeAsync(FunctionDefinition function, FunctionContext context, CancellationToken cancellationToken)
        {
            Runs++;
            return Task.FromResult<byte[]>([]);
        }
    }

    private static FunctionRunner Runner(LocalRuntime runtime, bool allowed) =>
        new([runtime], new StaticOptionsMonitor<ExecutionOptions>(new ExecutionOptions { AllowLocalPrograms = allowed }), TimeProvider.System, NullLogger<FunctionRunner>.Instance);

    [Fact]
    public void Validate_WhenLocalProgramsAreNotAllowed_SaysWhichSettingAllowsThem()
    {
        Assert.Equal(FunctionRunner.LocalProgramsRefused, Runner(new LocalRuntime(), allowed: false).Validate("local:ls"));
        Assert.Contains("AsyncInvoke:Execution:AllowLocalPrograms=true", FunctionRunner.LocalProgramsRefused, StringComparison.Ordinal);
        Assert.Null(Runner(new LocalRuntime(), allowed: true).Validate("local:ls"));
    }

    [Fact]
    public async Task RunAsync_WhenAStoredFunctionRunsALocalProgramThatIsNoLongerAllowed_FailsWithoutRunningIt()
    {
        var runtime = new LocalRuntime();
        var context = new FunctionContext
        {
            RequestId = "r", FunctionName = "f", ExecutedVersion = "$LATEST", Attempt = 1, Payload = [],
            Deadline = DateTimeOffset.UtcNow.AddSeconds(3), Environment = new Dictionary<string, string>(), Time = TimeProvider.System,
        };

        var result = await Runner(runtime, allowed: false).RunAsync(new FunctionDefinition { Name = "f", Target = "local:ls", Timeout = TimeSpan.FromSeconds(3) }, context);

        Assert.Equal(0, runtime.Runs);
        Assert.Contains("AllowLocalPrograms", result.Error?.ErrorMessage, StringComparison.Ordinal);
    }
}
