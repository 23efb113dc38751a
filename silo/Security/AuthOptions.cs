namespace Orleans.AsyncInvoke.Silo.Security;

/// <summary>
/// Who may call the HTTP gateway (<c>AsyncInvoke:Auth</c>). With no credential and no key configured the gateway is
/// open, which a silo serves only on loopback unless <see cref="AllowAnonymous"/> says otherwise.
/// </summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AsyncInvoke:Auth";

    /// <summary>AWS credentials by access key id, checked with Signature Version 4 (<c>Credentials:&lt;AccessKeyId&gt;:Secret</c>).</summary>
    public Dictionary<string, CredentialOptions> Credentials { get; set; } = new(StringComparer.Ordinal);

    /// <summary>API keys by name (<c>ApiKeys:&lt;name&gt;:Key</c>), sent as a bearer token, or as Azure's function key.</summary>
    public Dictionary<string, ApiKeyOptions> ApiKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Serve the gateway without authentication off loopback too: open on purpose. Default false.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Whether <c>/metrics</c> answers without authentication (a Prometheus scraper on a trusted network). Default false.</summary>
    public bool AnonymousMetrics { get; set; }

    /// <summary>Whether any credential or key is configured, which turns authentication on for every route.</summary>
    public bool Enabled => Credentials.Count > 0 || ApiKeys.Count > 0;
}

/// <summary>One AWS credential.</summary>
public sealed class CredentialOptions
{
    /// <summary>The secret access key.</summary>
    public string Secret { get; set; } = "";

    /// <summary><c>admin</c> (default), <c>invoke</c> or <c>read</c>.</summary>
    public string Role { get; set; } = "admin";
}

/// <summary>One API key.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>The key itself.</summary>
    public string Key { get; set; } = "";

    /// <summary><c>admin</c> (default), <c>invoke</c> or <c>read</c>.</summary>
    public string Role { get; set; } = "admin";
}
