namespace Orleans.AsyncInvoke.Functions;

/// <summary>
/// Splits the invocations of a weighted alias between its two versions. The draw is a constructor argument so that
/// tests can fix it; the runtime's is <see cref="Random.Shared"/>.
/// </summary>
public sealed class VersionRouter(Func<double> draw)
{
    /// <summary>A router drawing from <see cref="Random.Shared"/>.</summary>
    public VersionRouter()
        : this(Random.Shared.NextDouble)
    {
    }

    /// <summary>The side of a weighted alias this invocation runs; anything else unchanged.</summary>
    public ResolvedFunction Route(ResolvedFunction function) =>
        function.AdditionalVersion is null ? function : function.Route(draw());

    /// <summary>
    /// The side an earlier draw chose for this event (<paramref name="routedVersion"/>), or a new draw when there was
    /// none or the alias no longer offers that version.
    /// </summary>
    public ResolvedFunction Route(ResolvedFunction function, string? routedVersion) =>
        function.Pin(routedVersion) ?? Route(function);
}
