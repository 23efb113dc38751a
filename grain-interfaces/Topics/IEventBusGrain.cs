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

    /// <summary>A disabled rule matches nothing (EventBridge's <c>State: DISABLED</c>).</summary>
    [Id(3)] public bool Disabled { get; init; }

    /// <summary>The rule's description, as given.</summary>
    [Id(4)] public string? Description { get; init; }

    /// <summary>Targets set with EventBridge's <c>PutTargets</c>: each with its id and what of the event it gets.</summary>
    [Id(5)] public IReadOnlyList<RuleTarget> RuleTargets { get; init; } = [];

    /// <summary>
    /// <see cref="RuleTargets"/>, never <c>null</c>: a rule stored before they were kept is read without the member, and
    /// a deserialized record's initializers do not run.
    /// </summary>
    public IReadOnlyList<RuleTarget> AwsTargets => RuleTargets ?? [];
}

/// <summary>An EventBridge rule target: an ARN (queue, topic, function) and what it receives of the matched event.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.RuleTarget")]
public sealed record RuleTarget
{
    /// <summary>The target's id within its rule.</summary>
    [Id(0)] public required string Id { get; init; }

    /// <summary>The target ARN.</summary>
    [Id(1)] public required string Arn { get; init; }

    /// <summary>A constant JSON text sent instead of the event.</summary>
    [Id(2)] public string? Input { get; init; }

    /// <summary>A JSONPath (<c>$.detail.order</c>) selecting the part of the event sent.</summary>
    [Id(3)] public string? InputPath { get; init; }
}

/// <summary>A target a <c>PutTargets</c> or <c>RemoveTargets</c> call could not take.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.RuleTargetFailure")]
public sealed record RuleTargetFailure(
    [property: Id(0)] string TargetId,
    [property: Id(1)] string ErrorCode,
    [property: Id(2)] string ErrorMessage);

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

    /// <summary>Creates the bus for the AWS API; <c>false</c> when it exists already.</summary>
    [Alias("Create")]
    Task<bool> CreateAsync();

    /// <summary>Whether the bus exists: created, holding rules, or <c>default</c>.</summary>
    [Alias("Exists"), ReadOnly]
    Task<bool> ExistsAsync();

    /// <summary>Deletes the bus with its rules; <c>false</c> when it did not exist.</summary>
    [Alias("DeleteBus")]
    Task<bool> DeleteBusAsync();

    /// <summary>
    /// Creates or changes a rule's pattern, description and state, keeping its targets (EventBridge's <c>PutRule</c>);
    /// the name and pattern are validated.
    /// </summary>
    [Alias("DefineRule")]
    Task<EventRule> DefineRuleAsync(string name, string eventPattern, string? description, bool disabled);

    /// <summary>One rule, or <c>null</c>.</summary>
    [Alias("GetRule"), ReadOnly]
    Task<EventRule?> GetRuleAsync(string name);

    /// <summary>Enables or disables a rule; <c>false</c> when there is none.</summary>
    [Alias("SetRuleState")]
    Task<bool> SetRuleStateAsync(string name, bool disabled);

    /// <summary>Adds or replaces targets by id; returns the ones refused. A missing rule is <c>ResourceNotFoundException</c>.</summary>
    [Alias("PutTargets")]
    Task<IReadOnlyList<RuleTargetFailure>> PutTargetsAsync(string rule, IReadOnlyList<RuleTarget> targets);

    /// <summary>Removes targets by id; returns the ids the rule did not have. A missing rule is <c>ResourceNotFoundException</c>.</summary>
    [Alias("RemoveTargets")]
    Task<IReadOnlyList<RuleTargetFailure>> RemoveTargetsAsync(string rule, IReadOnlyList<string> ids);
}
