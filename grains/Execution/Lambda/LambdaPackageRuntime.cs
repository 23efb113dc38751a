using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;

namespace Orleans.AsyncInvoke.Execution.Lambda;

/// <summary>
/// Runs zip-packaged functions (<c>zip:&lt;sha256&gt;</c> targets) the way Lambda does: in a warm execution
/// environment whose runtime polls the Lambda Runtime API. The request id the runtime sees is the invocation's.
/// </summary>
internal sealed class LambdaPackageRuntime(EnvironmentPool pool, IOptions<LambdaOptions> options, IOptions<AsyncInvokeOptions> runtime) : IFunctionRuntime
{
    public const string Scheme = "zip:";

    /// <summary>A folder on the silo's machine run as the package, reloaded on change (<c>Code.S3Bucket: hot-reload</c>).</summary>
    public const string FolderScheme = "dir:";

    public bool CanRun(string target) => target.StartsWith(Scheme, StringComparison.Ordinal) || target.StartsWith(FolderScheme, StringComparison.Ordinal);

    // A package's runtime is a program on the silo's machine, exactly like exec:.
    public bool RunsLocalPrograms => true;

    // Init (a cold start) has Lambda's own limit; the function's timeout starts when the runtime asks for the event.
    public TimeSpan InitAllowance => options.Value.InitTimeout;

    public string? Validate(string target)
    {
        if (target.StartsWith(FolderScheme, StringComparison.Ordinal))
        {
            var folder = target[FolderScheme.Length..];
            return Path.IsPathFullyQualified(folder) && Directory.Exists(folder)
                ? null
                : $"The hot-reload folder '{folder}' must be an absolute path to a folder that exists on the silo's machine.";
        }

        return target.Length == Scheme.Length + 64 && target[Scheme.Length..].All(char.IsAsciiHexDigitLower) ? null : $"The package target '{target}' is not zip:<sha256>.";
    }

    public async Task<byte[]> InvokeAsync(FunctionDefinition function, FunctionContext context, CancellationToken cancellationToken)
    {
        if (LambdaRuntimes.Problem(function.Runtime) is { } problem)
        {
            throw new FunctionErrorException("Runtime.InvalidRuntime", problem);
        }

        var environment = await pool.AcquireAsync(function);
        try
        {
            var arn = context.ExecutedVersion == FunctionNames.Latest
                ? FunctionNames.Arn(runtime.Value.Region, runtime.Value.AccountId, function.Name)
                : FunctionNames.QualifiedArn(runtime.Value.Region, runtime.Value.AccountId, function.Name, context.ExecutedVersion);
            return await environment.InvokeAsync(context, arn, options.Value.InitTimeout, cancellationToken);
        }
        finally
        {
            await pool.ReleaseAsync(environment);
        }
    }
}
