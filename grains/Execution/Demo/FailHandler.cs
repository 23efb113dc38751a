namespace Orleans.AsyncInvoke.Execution.Demo;

/// <summary><c>fail</c>: always throws; a <c>message</c> property in the payload becomes the error message.</summary>
internal sealed class FailHandler : IFunctionHandler
{
    public Task<byte[]> InvokeAsync(FunctionContext context, CancellationToken cancellationToken) =>
        throw new InvalidOperationException(
            DemoPayload.ReadString(context.Payload, "message") ?? $"fail: attempt {context.Attempt} failed on purpose");
}
