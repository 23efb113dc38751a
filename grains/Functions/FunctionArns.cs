using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Hosting;

namespace Orleans.AsyncInvoke.Functions;

/// <summary>Builds function ARNs with the configured region and account.</summary>
public sealed class FunctionArns(IOptions<AsyncInvokeOptions> options)
{
    private readonly string _region = options.Value.Region;
    private readonly string _account = options.Value.AccountId;

    /// <summary>The unqualified ARN.</summary>
    public string Unqualified(string name) => FunctionNames.Arn(_region, _account, name);

    /// <summary>The qualified ARN.</summary>
    public string Qualified(string name, string qualifier) => FunctionNames.QualifiedArn(_region, _account, name, qualifier);

    /// <summary>The qualifier of one of <paramref name="name"/>'s qualified ARNs, or <c>null</c> when <paramref name="functionArn"/> is not one.</summary>
    public string? QualifierOf(string name, string functionArn)
    {
        var separator = functionArn.LastIndexOf(':');
        var qualifier = separator < 0 ? null : functionArn[(separator + 1)..];
        return qualifier is { Length: > 0 } && Qualified(name, qualifier) == functionArn ? qualifier : null;
    }

    /// <summary>
    /// Why an ARN of another region or account cannot name a resource of this runtime, or <c>null</c> when it is
    /// ours (or not an ARN, or a bucket ARN, which names neither).
    /// </summary>
    public string? ForeignArnProblem(string text)
    {
        var parts = text.Split(':');
        if (parts.Length < 6 || parts[0] != "arn" || (parts[3].Length == 0 && parts[4].Length == 0))
        {
            return null;
        }

        return parts[3] == _region && parts[4] == _account
            ? null
            : $"The destination ARN {text} is invalid: it names region '{parts[3]}' and account '{parts[4]}', and this runtime serves region '{_region}', account '{_account}' (AsyncInvoke:Region, AsyncInvoke:AccountId).";
    }
}
