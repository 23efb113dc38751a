using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Topics;

namespace Orleans.AsyncInvoke.Destinations.Topic;

/// <summary>The names of the topics or event buses the AWS APIs created, for their list operations.</summary>
[GrainType("asyncinvoke-resource-directory")]
public sealed class ResourceDirectoryGrain(
    [PersistentState("resources", StorageNames.Functions)] IPersistentState<FunctionRegistryState> state) : Grain, IResourceDirectoryGrain
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

    public Task<IReadOnlyList<string>> ListAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Names.Order(StringComparer.Ordinal)]);
}
