namespace Orleans.AsyncInvoke.Cli;

/// <summary>The process exit codes scripts can rely on; <c>--help</c> and the README list them.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int ApiError = 1;
    public const int Usage = 2;
    public const int Unreachable = 3;
    public const int NotFound = 4;
    public const int Conflict = 5;
    public const int FunctionError = 6;
    public const int Interrupted = 130;

    /// <summary>The exit code of an HTTP error status.</summary>
    public static int OfStatus(int status) => status switch
    {
        404 => NotFound,
        409 => Conflict,
        >= 500 => Unreachable,
        _ => ApiError,
    };

    /// <summary>The lines <c>--help</c> ends with.</summary>
    public const string Help = """
        Exit codes:
          0   success
          1   the API refused the request (4xx: bad parameter, unauthorized, forbidden, too many requests), or a redrive stopped on an error
          2   usage error (unknown command or option, missing or invalid value)
          3   the silo cannot be reached, timed out or answered 5xx
          4   not found (404: unknown request id or function, no redrive job)
          5   conflict or invalid state (409: already final, not failed, a redrive already running)
          6   invoke --type sync: the function returned an error
          130 interrupted (Ctrl-C) while following a redrive; the job goes on in the silo
        """;
}
