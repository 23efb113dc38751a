namespace Orleans.AsyncInvoke.Execution.Demo;

/// <summary><c>sleep</c>: waits <c>ms</c> milliseconds (default 1000) on the runtime's clock, then echoes.</summary>
internal sealed class SleepHandler : IFunctionHandler
{
    public async Task<byte[]> InvokeAsync(FunctionContext context, CancellationToken cancellationToken)
    {
        var ms = Math.Max(0, DemoPayload.ReadInt(context.Payload, "ms", 1000));
        await Task.Delay(TimeSpan.FromMilliseconds(ms), context.Time, cancellationToken);
        return context.Payload;
    }
}
