using Microsoft.Extensions.Options;

namespace Orleans.AsyncInvoke.Silo.Security;

/// <summary>Checks <see cref="AuthOptions"/> at start, naming every bad key and never a secret.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var prefix = AuthOptions.SectionName;
        var failures = new List<string>();
        foreach (var (id, credential) in options.Credentials)
        {
            if (string.IsNullOrEmpty(credential.Secret))
            {
                failures.Add($"{prefix}:Credentials:{id}:Secret must be set (the secret access key of '{id}').");
            }

            if (Principal.ParseRole(credential.Role) is null)
            {
                failures.Add($"{prefix}:Credentials:{id}:Role must be admin, invoke or read (was '{credential.Role}').");
            }
        }

        foreach (var (keyName, key) in options.ApiKeys)
        {
            if (string.IsNullOrEmpty(key.Key))
            {
                failures.Add($"{prefix}:ApiKeys:{keyName}:Key must be set.");
            }

            if (Principal.ParseRole(key.Role) is null)
            {
                failures.Add($"{prefix}:ApiKeys:{keyName}:Role must be admin, invoke or read (was '{key.Role}').");
            }
        }

        foreach (var duplicate in options.ApiKeys.Where(k => k.Value.Key.Length > 0).GroupBy(k => k.Value.Key, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            failures.Add($"{prefix}:ApiKeys: {string.Join(" and ", duplicate.Select(k => k.Key))} have the same key; give each its own.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
