namespace Orleans.AsyncInvoke.Hosting;

/// <summary>
/// One condition this silo needs to accept events durably (its store answering, say). <c>/readyz</c> fails while any
/// check fails, so a load balancer sends new events to silos that can keep them.
/// </summary>
public interface IReadinessCheck
{
    /// <summary>Returns <see langword="null"/> when the condition holds, otherwise why not (a few words for the probe's body).</summary>
    Task<string?> CheckAsync(CancellationToken cancellationToken);
}
