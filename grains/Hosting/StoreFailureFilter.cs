using StackExchange.Redis;

namespace Orleans.AsyncInvoke.Hosting;

/// <summary>
/// Turns a store failure inside a grain call (Redis unreachable, timing out, refusing a command) into the runtime's
/// <c>ServiceException</c>: Redis's own exception types have no Orleans codec, so they would reach the caller as a
/// <c>CodecNotFoundException</c> that no surface can map to its error shape.
/// </summary>
internal sealed class StoreFailureFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (RedisException ex)
        {
            throw ErrorCodes.ServiceFailure($"The store did not answer ({ex.GetType().Name}): try again. {FirstLine(ex.Message)}");
        }
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        var line = end < 0 ? message : message[..end];
        return line.Length > 300 ? line[..300] : line;
    }
}
