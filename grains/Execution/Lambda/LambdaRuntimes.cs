using System.Diagnostics;

namespace Orleans.AsyncInvoke.Execution.Lambda;

/// <summary>The Lambda runtimes this silo runs and the program each starts in an environment.</summary>
public static class LambdaRuntimes
{
    private static readonly string[] Provided = ["provided.al2023", "provided.al2", "provided"];

    /// <summary>Every runtime name accepted at create time.</summary>
    public static IReadOnlyList<string> Supported => Provided;

    /// <summary>Why <paramref name="runtime"/> cannot run here, or <c>null</c>.</summary>
    public static string? Problem(string? runtime) => runtime is not null && Provided.Contains(runtime, StringComparer.Ordinal)
        ? null
        : $"Value {runtime ?? "null"} at 'runtime' is not supported here. Supported runtimes: {string.Join(", ", Supported)}.";

    /// <summary>The program that is the runtime of an environment whose package is unpacked in <paramref name="taskRoot"/>.</summary>
    public static ProcessStartInfo StartInfo(string runtime, string taskRoot)
    {
        // provided.*: the package's own bootstrap executable is the runtime.
        var bootstrap = Path.Combine(taskRoot, "bootstrap");
        if (!File.Exists(bootstrap))
        {
            throw new FunctionErrorException("Runtime.InvalidEntrypoint", "RequestId: n/a Error: Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]");
        }

        return new ProcessStartInfo(bootstrap) { WorkingDirectory = taskRoot };
    }
}
