using System.Collections.Concurrent;

namespace Orleans.AsyncInvoke.Functions;

/// <summary>
/// The last resolution of each function and qualifier this silo got from its function grain. Accepts still ask the
/// grain every time (a change made on any silo applies to the next accept); the cache answers only when the grain
/// cannot, as for the seconds after the silo that held it died, until the cluster has declared that silo dead and the
/// grain lives again elsewhere. An accept then keeps the definition it would have got a moment before.
/// </summary>
public sealed class FunctionResolutionCache
{
    private readonly ConcurrentDictionary<(string Name, string? Qualifier), ResolvedFunction> _known = new();

    /// <summary>Remembers what the grain answered.</summary>
    public void Remember(string name, string? qualifier, ResolvedFunction resolved) => _known[(name, qualifier)] = resolved;

    /// <summary>Forgets a function and qualifier the grain refused (deleted, say): it is not served from here again.</summary>
    public void Forget(string name, string? qualifier) => _known.TryRemove((name, qualifier), out _);

    /// <summary>The last resolution the grain gave, if any.</summary>
    public bool TryGet(string name, string? qualifier, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ResolvedFunction? resolved) =>
        _known.TryGetValue((name, qualifier), out resolved);
}
