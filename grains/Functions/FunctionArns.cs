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
}
