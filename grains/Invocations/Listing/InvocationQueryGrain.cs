using Orleans.Concurrency;

namespace Orleans.AsyncInvoke.Invocations.Listing;

/// <summary>The client SDK's way to the listing; the gateway calls <see cref="InvocationLister"/> in its own silo.</summary>
[StatelessWorker]
[Reentrant]
[GrainType("asyncinvoke-invocation-query")]
public sealed class InvocationQueryGrain(InvocationLister lister) : Grain, IInvocationQueryGrain
{
    public Task<InvocationPage> ListAsync(InvocationQuery query) => lister.ListAsync(query);
}
