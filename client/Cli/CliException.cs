namespace Orleans.AsyncInvoke.Cli;

/// <summary>A failure the command reports as <c>errorType: errorMessage</c> on stderr and ends with <see cref="ExitCode"/>.</summary>
internal sealed class CliException(int exitCode, string errorType, string errorMessage) : Exception($"{errorType}: {errorMessage}")
{
    public int ExitCode { get; } = exitCode;

    public string ErrorType { get; } = errorType;

    public string ErrorMessage { get; } = errorMessage;

    public static CliException Usage(string message) => new(ExitCodes.Usage, "UsageError", message);
}
