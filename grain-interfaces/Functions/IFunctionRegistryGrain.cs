using Orleans.Concurrency;

namespace Orleans.AsyncInvoke.Functions;

/// <summary>The cluster-wide index of function names (one instance, key <see cref="Key"/>).</summary>
[Alias("AsyncInvoke.IFunctionRegistryGrain")]
public interface IFunctionRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>The key of the only instance.</summary>
    const long Key = 0;

    /// <summary>Records that a function exists.</summary>
    [Alias("Add")]
    Task AddAsync(string name);

    /// <summary>Records that a function was deleted.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string name);

    /// <summary>Function names in ordinal order, after <paramref name="marker"/>, at most <paramref name="maxItems"/>.</summary>
    [Alias("List"), ReadOnly]
    Task<IReadOnlyList<string>> ListAsync(string? marker, int maxItems);
}
