namespace Orleans.AsyncInvoke.Silo.Gateway;

/// <summary>HTTP gateway settings (<c>AsyncInvoke:Gateway</c>).</summary>
public sealed class GatewayOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AsyncInvoke:Gateway";

    /// <summary>Largest JSON body of a management call. Default 1 MiB.</summary>
    public int MaxJsonBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Payload limit of the deprecated <c>InvokeAsync</c> operation. Default 256 KiB.</summary>
    public int MaxInvokeAsyncPayloadBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// Accepts one caller (access key id or API key name) may make per second on this silo, on every entry point;
    /// more answer 429 <c>TooManyRequestsException</c> (<c>Reason: CallerRateLimitExceeded</c>). Default: no limit.
    /// </summary>
    public int? AcceptsPerSecondPerPrincipal { get; set; }

    /// <summary>Accepts one function may take per second on this silo, from all callers together. Default: no limit.</summary>
    public int? AcceptsPerSecondPerFunction { get; set; }
}
