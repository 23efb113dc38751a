using Orleans.Concurrency;

namespace Orleans.AsyncInvoke.Invocations;

/// <summary>The silo-side entry of the client SDK's batched accepts; the work is <see cref="InvocationIngress"/>'s.</summary>
[StatelessWorker]
[Reentrant]
[GrainType("asyncinvoke-ingress")]
public sealed class InvocationIngressGrain(InvocationIngress ingress) : Grain, IInvocationIngressGrain
{
    public Task<AcceptOutcome[]> AcceptAsync(AcceptItem[] items) => ingress.AcceptBatchAsync(items, startFirstAttempts: true);
}
