namespace Orleans.AsyncInvoke.Execution.Lambda;

/// <summary>Execution environments of zip-packaged Lambda functions (<c>AsyncInvoke:Lambda</c>).</summary>
public sealed class LambdaOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AsyncInvoke:Lambda";

    /// <summary>Environments one silo runs at once, all functions together. Default 64.</summary>
    public int MaxEnvironments { get; set; } = 64;

    /// <summary>How long an idle environment is kept warm before it is shut down. Default 5 minutes.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an environment may take to ask for its first event (its init). Default 10 s, as Lambda.</summary>
    public TimeSpan InitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Where packages are unpacked, one folder per code hash. Default a folder in the temporary directory.</summary>
    public string CodeDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "asyncinvoke-code");

    /// <summary>
    /// The access key functions get as <c>AWS_ACCESS_KEY_ID</c> (Lambda's execution-role credentials). Unset by default:
    /// functions get no credentials unless the operator names one (configure it under <c>AsyncInvoke:Auth:Credentials</c>
    /// too, with the role the functions need).
    /// </summary>
    public string? AccessKeyId { get; set; }

    /// <summary>The secret of <see cref="AccessKeyId"/>, given as <c>AWS_SECRET_ACCESS_KEY</c>.</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>
    /// The endpoint functions' AWS SDKs call, given as <c>AWS_ENDPOINT_URL</c> (for example this silo's own gateway).
    /// Unset by default.
    /// </summary>
    public Uri? EndpointUrl { get; set; }
}
