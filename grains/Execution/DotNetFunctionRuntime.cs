using Microsoft.Extensions.DependencyInjection;
using Orleans.AsyncInvoke.Functions;

namespace Orleans.AsyncInvoke.Execution;

/// <summary>Runs <c>dotnet:&lt;handler&gt;</c> targets: <see cref="IFunctionHandler"/>s registered in DI under their handler name.</summary>
internal sealed class DotNetFunctionRuntime(IServiceProvider services) : IFunctionRuntime
{
    public const string Scheme = "dotnet:";

    public bool CanRun(string target) => target.StartsWith(Scheme, StringComparison.Ordinal);

    public string? Validate(string target) =>
        services.GetKeyedService<IFunctionHandler>(HandlerName(target)) is null
            ? $"No .NET handler named '{HandlerName(target)}' is registered in this runtime."
            : null;

    public Task<byte[]> InvokeAsync(FunctionDefinition function, FunctionContext context, CancellationToken cancellationToken)
    {
        var handler = services.GetKeyedService<IFunctionHandler>(HandlerName(function.Target))
            ?? throw new InvalidOperationException($"No .NET handler named '{HandlerName(function.Target)}' is registered in this runtime.");
        return handler.InvokeAsync(context, cancellationToken);
    }

    private static string HandlerName(string target) => target[Scheme.Length..];
}
