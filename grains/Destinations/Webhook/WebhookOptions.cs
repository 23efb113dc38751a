namespace Orleans.AsyncInvoke.Destinations.Webhook;

/// <summary>Webhook destinations (<c>AsyncInvoke:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AsyncInvoke:Webhooks";

    /// <summary>Hosts allowed to resolve to private, loopback or link-local addresses.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Whether loopback addresses may be called (the embedded profile turns this on).</summary>
    public bool AllowLoopback { get; set; }
}
