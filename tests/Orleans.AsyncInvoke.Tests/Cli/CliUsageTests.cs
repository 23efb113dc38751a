namespace Orleans.AsyncInvoke.Tests.Cli;

/// <summary><c>asyncinvoke</c>'s usage errors and help, which need no silo.</summary>
[Trait("Category", "Unit")]
public sealed class CliUsageTests
{
    private static Task<CliResult> RunAsync(params string[] args) =>
        CliProcess.RunAsync(new Dictionary<string, string?> { ["ASYNCINVOKE_URL"] = "http://127.0.0.1:9" }, null, args);

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("status")]
    [InlineData("list", "echo", "--state", "sleeping")]
    [InlineData("invoke", "echo", "--delay", "10", "--at", "2030-01-01T00:00:00Z")]
    [InlineData("invoke", "echo", "--payload", "{}", "--payload-file", "event.json")]
    [InlineData("invoke", "echo", "--type", "sync", "--delay", "10")]
    [InlineData("config", "put", "echo")]
    [InlineData("watch", "--interval", "0")]
    [InlineData("status", "id", "--url", "ftp://example")]
    public async Task Run_WhenTheCommandLineIsWrong_ExitsTwoWithAUsageError(params string[] args)
    {
        var result = await RunAsync(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("UsageError: ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Help_ListsTheCommandsAndTheExitCodes()
    {
        var result = await RunAsync("--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var command in new[] { "invoke", "status", "list", "watch", "cancel", "retry", "redrive", "pause", "resume", "functions", "config" })
        {
            Assert.Contains($"  {command}", result.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("Exit codes:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("5   conflict or invalid state", result.Stdout, StringComparison.Ordinal);
    }
}
