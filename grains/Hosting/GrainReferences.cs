using Orleans.Runtime;

namespace Orleans.AsyncInvoke.Hosting;

/// <summary>
/// References to grains of one interface, made from the grain id alone. <c>GetGrain&lt;T&gt;(key)</c> looks the
/// interface up (reading its attributes) on every call, which the accept path paid once per event; this looks it up once.
/// </summary>
public sealed class GrainReferences<TGrain>(IGrainFactory grains) where TGrain : IGrainWithStringKey
{
    private readonly Lazy<(GrainType Type, GrainInterfaceType Interface)> _types = new(() =>
    {
        var probe = (GrainReference)(object)grains.GetGrain<TGrain>("probe");
        return (probe.GrainId.Type, probe.InterfaceType);
    });

    /// <summary>The grain with this key.</summary>
    public TGrain Get(string key)
    {
        var (type, @interface) = _types.Value;
        return (TGrain)grains.GetGrain(GrainId.Create(type, key), @interface);
    }
}
