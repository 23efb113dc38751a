using Orleans.AsyncInvoke.Functions;

namespace Orleans.AsyncInvoke.Execution;

/// <summary>Runs functions whose target starts with one scheme (<c>dotnet:</c>, <c>http:</c>, <c>exec:</c>…).</summary>
public interface IFunctionRuntime
{
    /// <summary>Whether this runtime runs <paramref name="target"/>.</summary>
    bool CanRun(string target);

    /// <summary>Whether this runtime starts a program on the silo's machine (refused unless allowed).</summary>
    bool RunsLocalPrograms => false;

    /// <summary>
    /// How long an attempt may spend in an init phase before the function's timeout starts (a Lambda cold start);
    /// such a runtime calls <see cref="FunctionContext.StartInvokePhase"/> when its init is over.
    /// </summary>
    TimeSpan InitAllowance => TimeSpan.Zero;

    /// <summary>Why <paramref name="target"/> cannot run, or <c>null</c> when it can.</summary>
    string? Validate(string target);

    /// <summary>Runs one attempt; a thrown exception is a function error, <see cref="FunctionThrottledException"/> a throttle.</summary>
    Task<byte[]> InvokeAsync(FunctionDefinition function, FunctionContext context, CancellationToken cancellationToken);
}
