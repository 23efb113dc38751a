using Orleans.Concurrency;

namespace Orleans.AsyncInvoke.Queues;

/// <summary>The names of every queue that has received a message (one instance, key <see cref="Key"/>).</summary>
[Alias("AsyncInvoke.IQueueDirectoryGrain")]
public interface IQueueDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>The key of the only instance.</summary>
    const long Key = 0;

    /// <summary>Records a queue name.</summary>
    [Alias("Add")]
    Task AddAsync(string name);

    /// <summary>Every queue name, ordered.</summary>
    [Alias("List"), ReadOnly]
    Task<IReadOnlyList<string>> ListAsync();

    /// <summary>Forgets a queue name (the queue was deleted).</summary>
    [Alias("Remove")]
    Task RemoveAsync(string name);

    /// <summary>Whether the name is recorded.</summary>
    [Alias("Contains"), ReadOnly]
    Task<bool> ContainsAsync(string name);
}
