using System.Diagnostics;
using System.Text.Json;
using Orleans.AsyncInvoke.Testing;

namespace Orleans.AsyncInvoke.Tests.Cli;

/// <summary>What one run of <c>asyncinvoke</c> did.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Stdout as JSON; fails the test, showing what came, when it is not one JSON document.</summary>
    public JsonElement Json()
    {
        try
        {
            return JsonDocument.Parse(Stdout).RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new Xunit.Sdk.XunitException($"Expected JSON on stdout ({ex.Message}); got:\n{Stdout}\nstderr:\n{Stderr}");
        }
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>Runs the built <c>asyncinvoke</c> (client/Cli's build output in the tests' configuration) as its own process.</summary>
public static class CliProcess
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static string Dll { get; } = Path.Combine(RepositoryLayout.Output("client/Cli"), "asyncinvoke.dll");

    /// <summary>
    /// Runs it with <paramref name="environment"/> over a clean one (no inherited ASYNCINVOKE_* or AWS_* variables; a
    /// null value removes one), stdin redirected and given <paramref name="stdin"/> (empty when null), stdout a pipe.
    /// </summary>
    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> environment, string? stdin, params string[] args)
    {
        if (!File.Exists(Dll))
        {
            throw new FileNotFoundException($"Build client/Cli first: {Dll} is missing.");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ASYNCINVOKE_", StringComparison.Ordinal) || k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment.Remove("COLUMNS");
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"asyncinvoke {string.Join(' ', args)} did not exit in {Patience.TotalSeconds:0} s:\n{await stdout}\n{await stderr}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
