using System.Diagnostics;

namespace Orleans.AsyncInvoke.Execution.Lambda;

/// <summary>The Lambda runtimes this silo runs and the program each starts in an environment.</summary>
public static class LambdaRuntimes
{
    private static readonly string[] Provided = ["provided.al2023", "provided.al2", "provided"];
    private static readonly string[] Node = ["nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x"];
    private static readonly string[] Python = ["python3.9", "python3.10", "python3.11", "python3.12", "python3.13"];
    private static readonly Lazy<string?> NodePath = new(() => OnPath("node"));
    private static readonly Lazy<string?> PythonPath = new(() => OnPath("python3"));

    /// <summary>Every runtime name accepted at create time on this machine.</summary>
    public static IReadOnlyList<string> Supported =>
        [.. Provided, .. NodePath.Value is null ? [] : Node, .. PythonPath.Value is null ? [] : Python];

    /// <summary>Why <paramref name="runtime"/> cannot run here, or <c>null</c>.</summary>
    public static string? Problem(string? runtime)
    {
        var name = runtime ?? "";
        var interpreter = name switch
        {
            _ when Node.Contains(name, StringComparer.Ordinal) && NodePath.Value is null => "node",
            _ when Python.Contains(name, StringComparer.Ordinal) && PythonPath.Value is null => "python3",
            _ => null,
        };
        if (interpreter is not null)
        {
            return $"The runtime {runtime} needs {interpreter} on the silo's PATH, which this machine lacks. Supported runtimes: {string.Join(", ", Supported)}.";
        }

        return runtime is not null && Supported.Contains(runtime, StringComparer.Ordinal)
            ? null
            : $"Value {runtime ?? "null"} at 'runtime' is not supported here. Supported runtimes: {string.Join(", ", Supported)}.";
    }

    /// <summary>The program that is the runtime of an environment whose package is unpacked in <paramref name="taskRoot"/>.</summary>
    public static ProcessStartInfo StartInfo(string runtime, string taskRoot)
    {
        if (Node.Contains(runtime, StringComparer.Ordinal))
        {
            var client = Path.Combine(AppContext.BaseDirectory, "lambda-runtimes", "node", "bootstrap.mjs");
            return new ProcessStartInfo(NodePath.Value ?? "node") { ArgumentList = { client }, WorkingDirectory = taskRoot };
        }

        if (Python.Contains(runtime, StringComparer.Ordinal))
        {
            // -u: unbuffered, so that each print reaches the log under the request id it belongs to.
            var client = Path.Combine(AppContext.BaseDirectory, "lambda-runtimes", "python", "bootstrap.py");
            return new ProcessStartInfo(PythonPath.Value ?? "python3") { ArgumentList = { "-u", client }, WorkingDirectory = taskRoot };
        }

        // provided.*: the package's own bootstrap executable is the runtime.
        var bootstrap = Path.Combine(taskRoot, "bootstrap");
        if (!File.Exists(bootstrap))
        {
            throw new FunctionErrorException("Runtime.InvalidEntrypoint", "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]");
        }

        return new ProcessStartInfo(bootstrap) { WorkingDirectory = taskRoot };
    }

    private static string? OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, program))
            .FirstOrDefault(File.Exists);
}
