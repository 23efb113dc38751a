namespace Orleans.AsyncInvoke.Destinations.Webhook;

/// <summary>
/// Which internal addresses outbound HTTP may reach (<c>AsyncInvoke:Webhooks</c>): webhook destinations, OpenFaaS
/// callbacks and HTTP function targets all pass the same guard. Everything internal is refused unless allowed here.
/// </summary>
public sealed class WebhookOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AsyncInvoke:Webhooks";

    /// <summary>Hosts allowed to resolve to any address, internal ones included.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Networks (CIDR, e.g. <c>10.20.0.0/16</c>) that may be reached although they are internal.</summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>Whether loopback and this machine's own addresses may be called (the embedded profile turns this on).</summary>
    public bool AllowLoopback { get; set; }
}
