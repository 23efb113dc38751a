using System.Security.Cryptography;
using System.Text;
using Orleans.AsyncInvoke.Invocations;

namespace Orleans.AsyncInvoke.Destinations.Function;

/// <summary>
/// Invokes another function asynchronously with the record as its payload. The request id is derived from the
/// delivery id, so a re-sent delivery lands on the same invocation instead of starting a second one: exactly once.
/// </summary>
internal sealed class FunctionAdapter(IGrainFactory grains) : IDestinationAdapter
{
    public DestinationKind Kind => DestinationKind.Function;

    public int MaxBatch => 1;

    public async Task<IReadOnlyList<Delivery>> DeliverAsync(DestinationAddress address, IReadOnlyList<DestinationMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            var requestId = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{address.Key}\n{message.Id}")).AsSpan(0, 16)).ToString("D");
            await grains.GetGrain<IInvocationGrain>(requestId).AcceptAsync(new InvocationRequest
            {
                FunctionName = address.Name,
                Qualifier = address.Qualifier,
                Payload = Encoding.UTF8.GetBytes(message.Body),
                ChainDepth = message.ChainDepth + 1,
                TraceParent = System.Diagnostics.Activity.Current?.Id ?? message.TraceParent,
            }).WaitAsync(cancellationToken);
        }

        return [];
    }
}
