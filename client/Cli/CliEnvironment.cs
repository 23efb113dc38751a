using System.Net;

namespace Orleans.AsyncInvoke.Cli;

/// <summary>The process's surroundings: its streams, its environment variables and one HTTP client.</summary>
internal sealed class CliEnvironment
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    public required TextReader In { get; init; }

    public required bool OutputRedirected { get; init; }

    public required bool InputRedirected { get; init; }

    public required Func<string, string?> Variable { get; init; }

    public required HttpClient Http { get; init; }

    public static CliEnvironment FromProcess() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        In = Console.In,
        OutputRedirected = Console.IsOutputRedirected,
        InputRedirected = Console.IsInputRedirected,
        Variable = Environment.GetEnvironmentVariable,
        // The silo is addressed directly, never through an environment proxy. Timeouts are per request (ApiClient).
        Http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.All,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        },
    };
}
