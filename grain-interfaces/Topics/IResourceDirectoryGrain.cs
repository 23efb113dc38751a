using Orleans.Concurrency;

namespace Orleans.AsyncInvoke.Topics;

/// <summary>The names of the topics or event buses created through the AWS APIs (key: <see cref="Topics"/> or <see cref="EventBuses"/>).</summary>
[Alias("AsyncInvoke.IResourceDirectoryGrain")]
public interface IResourceDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The key of the topics' directory.</summary>
    const string Topics = "topics";

    /// <summary>The key of the event buses' directory.</summary>
    const string EventBuses = "eventbuses";

    /// <summary>Records a name.</summary>
    [Alias("Add")]
    Task AddAsync(string name);

    /// <summary>Forgets a name.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string name);

    /// <summary>Every name, in ordinal order.</summary>
    [Alias("List"), ReadOnly]
    Task<IReadOnlyList<string>> ListAsync();
}
