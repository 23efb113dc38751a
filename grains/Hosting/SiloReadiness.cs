namespace Orleans.AsyncInvoke.Hosting;

/// <summary>What the readiness probe needs to know about start-up and shutdown.</summary>
public sealed class SiloReadiness
{
    private volatile bool _functionsApplied;
    private volatile bool _draining;

    /// <summary>Whether the functions from configuration have been applied to the cluster.</summary>
    public bool FunctionsApplied => _functionsApplied;

    /// <summary>Whether the silo is shutting down: it answers what it still gets, but is no longer ready for more.</summary>
    public bool Draining => _draining;

    internal void MarkFunctionsApplied() => _functionsApplied = true;

    /// <summary>Marks the silo as shutting down; readiness fails from now on.</summary>
    public void MarkDraining() => _draining = true;
}
