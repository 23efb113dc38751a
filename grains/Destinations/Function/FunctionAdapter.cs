using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using System.Text;
using Orleans.AsyncInvoke.Invocations;

namespace Orleans.AsyncInvoke.Destinations.Function;

/// <summary>
/// Invokes another function asynchronously with the record as its payload. The request id is derived from the
/// delivery id, so a re-sent delivery lands on the same invocation instead of starting a second one: exactly once.
/// A refusal that no retry can change (too large, invalid, function gone) is permanent: the delivery parks at once.
/// </summary>
internal sealed partial class FunctionAdapter(IGrainFactory grains, ILogger<FunctionAdapter> logger) : IDestinationAdapter
{
    public DestinationKind Kind => DestinationKind.Function;

    public int MaxBatch => 1;

    public async Task<IReadOnlyList<Delivery>> DeliverAsync(DestinationAddress address, IReadOnlyList<DestinationMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            if (message.EndsChain)
            {
                // The recursive-loop guard stopped this event: its record ends here instead of starting the loop again.
                LogChainEnded(logger, message.RequestId, address.Key);
                continue;
            }

            try
            {
                await InvokeAsync(address, message, cancellationToken);
            }
            catch (AsyncInvokeException ex) when (ex.ErrorCode is ErrorCodes.RequestTooLarge or ErrorCodes.InvalidParameterValue or ErrorCodes.Validation or ErrorCodes.ResourceNotFound)
            {
                // Trying again cannot help: the record is too large, invalid for it, or the function is gone.
                throw new PermanentDeliveryException($"{ex.ErrorCode}: {ex.Message}", ex);
            }
        }

        return [];
    }

    private Task InvokeAsync(DestinationAddress address, DestinationMessage message, CancellationToken cancellationToken)
    {
        var requestId = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{address.Key}\n{message.Id}")).AsSpan(0, 16)).ToString("D");
        return grains.GetGrain<IInvocationGrain>(requestId).AcceptAsync(new InvocationRequest
        {
            FunctionName = address.Name,
            Qualifier = address.Qualifier,
            Payload = Encoding.UTF8.GetBytes(message.Body),
            ChainDepth = message.ChainDepth + 1,
            TraceParent = System.Diagnostics.Activity.Current?.Id ?? message.TraceParent,
        }).WaitAsync(cancellationToken);
    }

    [LoggerMessage(EventId = LogEvents.DeliveryChainEnded, Level = LogLevel.Information, Message = "The record of {RequestId} does not invoke {Destination}: the event was stopped by the recursive-loop guard")]
    private static partial void LogChainEnded(ILogger logger, string requestId, string destination);
}
