namespace Orleans.AsyncInvoke.Functions;

/// <summary>The index of function names, for listing.</summary>
[GrainType("asyncinvoke-function-registry")]
public sealed class FunctionRegistryGrain(
    [PersistentState("registry", StorageNames.Functions)] IPersistentState<FunctionRegistryState> state)
    : Grain, IFunctionRegistryGrain
{
    public async Task AddAsync(string name)
    {
        if (state.State.Names.Add(name))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task RemoveAsync(string name)
    {
        if (state.State.Names.Remove(name))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync(string? marker, int maxItems)
    {
        var names = state.State.Names.Where(n => marker is null || string.CompareOrdinal(n, marker) > 0);
        return Task.FromResult<IReadOnlyList<string>>([.. names.Take(maxItems)]);
    }
}
