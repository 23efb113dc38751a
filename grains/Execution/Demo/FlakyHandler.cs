namespace Orleans.AsyncInvoke.Execution.Demo;

/// <summary>
/// <c>flaky</c>: fails the first <c>failTimes</c> attempts of a request id (default 1), then echoes. It keys off
/// the attempt number, so it behaves the same on any silo and after a restart.
/// </summary>
internal sealed class FlakyHandler : IFunctionHandler
{
    public Task<byte[]> InvokeAsync(FunctionContext context, CancellationToken cancellationToken)
    {
        var failTimes = DemoPayload.ReadInt(context.Payload, "failTimes", 1);
        if (context.Attempt <= failTimes)
        {
            throw new InvalidOperationException($"flaky: attempt {context.Attempt} of {failTimes} planned failures");
        }

        return Task.FromResult(context.Payload);
    }
}
