using System.Text;
using Orleans.AsyncInvoke.Execution;
using static Orleans.AsyncInvoke.Tests.Runtimes.RuntimeHarness;

namespace Orleans.AsyncInvoke.Tests.Runtimes;

[Trait("Category", "Runtime")]
public sealed class ProcessFunctionRuntimeTests
{
    [Fact]
    public async Task Exec_WhenGivenAPayload_ReadsItOnStdinAndReturnsStdout()
    {
        using var harness = new RuntimeHarness();

        var result = await harness.RunAsync(Function("exec:cat"), Context("""{"piped":true}"""));

        Assert.Equal((AttemptOutcome.Success, """{"piped":true}"""), (result.Outcome, Encoding.UTF8.GetString(result.Payload)));
    }

    [Fact]
    public async Task Exec_WhenRun_SeesTheFunctionEnvironmentAndTheAttempt()
    {
        using var harness = new RuntimeHarness();
        var function = Function("""exec:sh -c 'printf "%s|%s|%s|%s|%s" "$ASYNCINVOKE_REQUEST_ID" "$ASYNCINVOKE_ATTEMPT" "$ASYNCINVOKE_FUNCTION_NAME" "$MODE" "${ASYNCINVOKE_DEADLINE_MS:+set}"'""",
            environment: new Dictionary<string, string> { ["MODE"] = "blue" });

        var result = await harness.RunAsync(function, Context(attempt: 2, requestId: "req-9"));

        Assert.Equal("req-9|2|fn|blue|set", Encoding.UTF8.GetString(result.Payload));
    }

    [Fact]
    public async Task Exec_WhenItExitsNonZero_TheLastStderrLineIsTheMessage()
    {
        using var harness = new RuntimeHarness();

        var result = await harness.RunAsync(Function("""exec:sh -c 'echo first >&2; echo "the real reason" >&2; exit 3'"""));

        Assert.Equal((AttemptOutcome.FunctionError, "Runtime.ExitError", "the real reason"), (result.Outcome, result.Error!.ErrorType, result.Error.ErrorMessage));
    }

    [Fact]
    public async Task Exec_WhenStderrIsLong_CutsTheErrorMessageAtOneKilobyte()
    {
        using var harness = new RuntimeHarness();

        var result = await harness.RunAsync(Function("""exec:sh -c 'head -c 5000 /dev/zero | tr "\0" x >&2; exit 1'"""));

        Assert.Equal(1024, result.Error!.ErrorMessage.Length);
    }

    [Fact]
    public async Task Exec_WhenTheTimeoutIsReached_KillsTheWholeProcessTree()
    {
        var directory = Directory.CreateTempSubdirectory("asyncinvoke-exec-").FullName;
        using var harness = new RuntimeHarness();
        var function = Function($"""exec:sh -c 'echo $$ > {directory}/parent; sleep 60 & echo $! > {directory}/child; wait'""", timeoutSeconds: 1);

        var result = await harness.RunAsync(function);

        Assert.Equal("Task timed out after 1.00 seconds", result.Error!.ErrorMessage);
        foreach (var file in new[] { "parent", "child" })
        {
            var pid = (await File.ReadAllTextAsync(Path.Combine(directory, file))).Trim();
            Assert.False(Directory.Exists($"/proc/{pid}") && !(await File.ReadAllTextAsync($"/proc/{pid}/stat")).Contains(") Z ", StringComparison.Ordinal),
                $"process {pid} ({file}) is still running after the timeout");
        }
    }

    [Fact]
    public async Task Exec_WhenOutputIsOverTheLimit_IsAnErrorNotAnOutOfMemory()
    {
        using var harness = new RuntimeHarness(maxResponseBytes: 1000);

        var result = await harness.RunAsync(Function("exec:head -c 100000000 /dev/zero"));

        Assert.Equal("Function.ResponseSizeTooLarge", result.Error!.ErrorType);
    }

    [Fact]
    public async Task Exec_WhenTheProgramDoesNotExist_IsAFunctionError()
    {
        using var harness = new RuntimeHarness();

        var result = await harness.RunAsync(Function("exec:/no/such/program --flag"));

        Assert.Equal((AttemptOutcome.FunctionError, "Runtime.ExecError"), (result.Outcome, result.Error!.ErrorType));
    }

    [Theory]
    [InlineData("a b c", new[] { "a", "b", "c" })]
    [InlineData("sh -c 'echo \"x y\"'", new[] { "sh", "-c", "echo \"x y\"" })]
    [InlineData("node \"my script.js\" --n=1", new[] { "node", "my script.js", "--n=1" })]
    [InlineData("a\\ b", new[] { "a b" })]
    public void CommandLine_WhenSplit_HonoursQuotesAndEscapesLikeAShell(string commandLine, string[] expected) =>
        Assert.Equal(expected, Execution.Process.CommandLine.Split(commandLine));
}
