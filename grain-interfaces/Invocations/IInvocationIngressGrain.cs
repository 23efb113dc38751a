namespace Orleans.AsyncInvoke.Invocations;

/// <summary>
/// The fast accept path: a stateless worker in every silo that stores a batch of events with one pipelined write
/// each and starts their first attempts from memory. The client SDK gathers concurrent accepts into batches for it.
/// </summary>
[Alias("AsyncInvoke.IInvocationIngressGrain")]
public interface IInvocationIngressGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Accepts each event (durably stored before this returns) or says why not, in the order given. An id that was
    /// already accepted comes back as <see cref="AcceptOutcome.Existed"/> and runs nothing twice.
    /// </summary>
    [Alias("Accept")]
    Task<AcceptOutcome[]> AcceptAsync(AcceptItem[] items);
}
