using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Queues;

namespace Orleans.AsyncInvoke.Destinations.Queue;

/// <summary>The index of queue names.</summary>
[GrainType("asyncinvoke-queue-directory")]
public sealed class QueueDirectoryGrain(
    [PersistentState("queues", StorageNames.Functions)] IPersistentState<FunctionRegistryState> state) : Grain, IQueueDirectoryGrain
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

    public Task<bool> ContainsAsync(string name) => Task.FromResult(state.State.Names.Contains(name));

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Names]);
}
