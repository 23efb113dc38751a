namespace Orleans.AsyncInvoke.Execution.Demo;

/// <summary><c>echo</c>: returns the payload unchanged.</summary>
internal sealed class EchoHandler : IFunctionHandler
{
    public Task<byte[]> InvokeAsync(FunctionContext context, CancellationToken cancellationToken) =>
        Task.FromResult(context.Payload);
}
