namespace Orleans.AsyncInvoke.Silo.Hosting;

/// <summary>TLS settings for the Redis connection beyond its connection string (<c>AsyncInvoke:Redis</c>).</summary>
public sealed class RedisTlsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AsyncInvoke:Redis";

    /// <summary>The certificate authority (PEM) that signed the Redis server's certificate, when it is not publicly trusted.</summary>
    public string? CaPath { get; set; }
}
