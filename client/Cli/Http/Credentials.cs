namespace Orleans.AsyncInvoke.Cli.Http;

/// <summary>An AWS access key pair for Signature Version 4.</summary>
internal sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken);

/// <summary>
/// How requests are authenticated, chosen as the SDKs choose: an API key (bearer) when one is given, otherwise AWS
/// credentials from the environment (SigV4), otherwise none (a silo without keys serves loopback openly).
/// </summary>
internal sealed record Credentials(string? ApiKey, AwsCredentials? Aws, string Region)
{
    public static Credentials Resolve(string? apiKey, string? region, Func<string, string?> environment)
    {
        static string? Value(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

        var key = Value(apiKey) ?? Value(environment("ASYNCINVOKE_API_KEY"));
        var resolvedRegion = Value(region) ?? Value(environment("AWS_REGION")) ?? Value(environment("AWS_DEFAULT_REGION")) ?? "us-east-1";
        var keyId = Value(environment("AWS_ACCESS_KEY_ID"));
        var secret = Value(environment("AWS_SECRET_ACCESS_KEY"));
        var aws = key is null && keyId is not null && secret is not null
            ? new AwsCredentials(keyId, secret, Value(environment("AWS_SESSION_TOKEN")))
            : null;
        return new Credentials(key, aws, resolvedRegion);
    }
}
