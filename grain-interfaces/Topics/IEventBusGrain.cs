using Orleans.Concurrency;

namespace Orleans.AsyncInvoke.Topics;

/// <summary>A rule of an event bus: an EventBridge event pattern and the destinations of matching events.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.EventRule")]
public sealed record EventRule
{
    /// <summary>The rule name.</summary>
    [Id(0)] public required string Name { get; init; }

    /// <summary>The event pattern, as JSON.</summary>
    [Id(1)] public required string EventPattern { get; init; }

    /// <summary>Where matching events go (queue, function, topic or webhook URIs or ARNs).</summary>
    [Id(2)] public required IReadOnlyList<string> Targets { get; init; }
}

/// <summary>An EventBridge-style bus (key: bus name) that routes events to targets by rules.</summary>
[Alias("AsyncInvoke.IEventBusGrain")]
public interface IEventBusGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces a rule; the pattern and targets are validated.</summary>
    [Alias("PutRule")]
    Task<EventRule> PutRuleAsync(EventRule rule);

    /// <summary>Deletes a rule; <c>false</c> when there was none.</summary>
    [Alias("DeleteRule")]
    Task<bool> DeleteRuleAsync(string name);

    /// <summary>Every rule, by name.</summary>
    [Alias("ListRules"), ReadOnly]
    Task<IReadOnlyList<EventRule>> ListRulesAsync();
}
