using Microsoft.Extensions.Options;

namespace Orleans.AsyncInvoke.Execution.Lambda;

/// <summary>Checks <see cref="LambdaOptions"/> at start and reports every bad key at once.</summary>
internal sealed class LambdaOptionsValidator : IValidateOptions<LambdaOptions>
{
    private const string Prefix = LambdaOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, LambdaOptions options)
    {
        var failures = new List<string>();
        void Fail(string key, string message) => failures.Add($"{Prefix}:{key} {message}");

        if (options.MaxEnvironments < 1)
        {
            Fail(nameof(options.MaxEnvironments), $"must be at least 1 (was {options.MaxEnvironments}).");
        }

        if (options.IdleTimeout <= TimeSpan.Zero)
        {
            Fail(nameof(options.IdleTimeout), $"must be positive (was {options.IdleTimeout}).");
        }

        if (options.InitTimeout <= TimeSpan.Zero || options.InitTimeout > TimeSpan.FromMinutes(15))
        {
            Fail(nameof(options.InitTimeout), $"must be positive and at most 00:15:00 (was {options.InitTimeout}).");
        }

        if (string.IsNullOrEmpty(options.CodeDirectory))
        {
            Fail(nameof(options.CodeDirectory), "must name a folder.");
        }

        if (string.IsNullOrEmpty(options.AccessKeyId) != string.IsNullOrEmpty(options.SecretAccessKey))
        {
            // Never echo the values: one of them is a secret.
            Fail(nameof(options.AccessKeyId), "and SecretAccessKey must be set together.");
        }

        if (options.EndpointUrl is { } endpoint && (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("http" or "https")))
        {
            Fail(nameof(options.EndpointUrl), "must be an absolute http(s) URL.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
