namespace Orleans.AsyncInvoke.Hosting;

/// <summary>What the readiness probe needs to know about start-up.</summary>
public sealed class SiloReadiness
{
    private volatile bool _functionsApplied;

    /// <summary>Whether the functions from configuration have been applied to the cluster.</summary>
    public bool FunctionsApplied => _functionsApplied;

    internal void MarkFunctionsApplied() => _functionsApplied = true;
}
