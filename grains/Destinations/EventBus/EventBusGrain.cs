using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Topics;

namespace Orleans.AsyncInvoke.Destinations.EventBus;

/// <summary>The stored rules of an event bus.</summary>
[GenerateSerializer]
[Alias("AsyncInvoke.EventBusState")]
public sealed class EventBusState
{
    [Id(0)] public Dictionary<string, EventRule> Rules { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Whether EventBridge's <c>CreateEventBus</c> made it (a bus also exists while it has rules).</summary>
    [Id(1)] public bool Created { get; set; }
}

/// <summary>An event bus's rules.</summary>
[GrainType("asyncinvoke-eventbus")]
public sealed class EventBusGrain(
    [PersistentState("eventbus", StorageNames.Functions)] IPersistentState<EventBusState> state,
    Security.OutboundAddressGuard guard) : Grain, IEventBusGrain
{
    /// <summary>The bus every account has.</summary>
    public const string DefaultBus = "default";

    private bool Exists => state.State.Created || state.State.Rules.Count > 0 || this.GetPrimaryKeyString() == DefaultBus;

    public async Task<EventRule> PutRuleAsync(EventRule rule)
    {
        CheckNameAndPattern(rule.Name, rule.EventPattern);

        if (rule.Targets.Count == 0)
        {
            throw ErrorCodes.InvalidParameter("A rule needs at least one target.");
        }

        foreach (var target in rule.Targets)
        {
            if (DestinationAddress.TryParse(target) is not { Kind: DestinationKind.Queue or DestinationKind.Function or DestinationKind.Topic or DestinationKind.Webhook })
            {
                throw ErrorCodes.InvalidParameter($"The target {target} is invalid: use a queue, function, topic or https:// endpoint.");
            }

            if (guard.RefusalOf(target) is { } refused)
            {
                throw ErrorCodes.InvalidParameter($"The target {target} is refused: {refused}");
            }
        }

        state.State.Rules[rule.Name] = rule;
        await state.WriteStateAsync();
        return rule;
    }

    public async Task<bool> DeleteRuleAsync(string name)
    {
        if (!state.State.Rules.Remove(name))
        {
            return false;
        }

        await state.WriteStateAsync();
        return true;
    }

    public Task<IReadOnlyList<EventRule>> ListRulesAsync() =>
        Task.FromResult<IReadOnlyList<EventRule>>([.. state.State.Rules.Values.OrderBy(r => r.Name, StringComparer.Ordinal)]);

    public async Task<bool> CreateAsync()
    {
        if (Exists)
        {
            return false;
        }

        state.State.Created = true;
        await state.WriteStateAsync();
        return true;
    }

    public Task<bool> ExistsAsync() => Task.FromResult(Exists);

    public async Task<bool> DeleteBusAsync()
    {
        if (!Exists)
        {
            return false;
        }

        await state.ClearStateAsync();
        state.State = new EventBusState();
        return true;
    }

    public async Task<EventRule> DefineRuleAsync(string name, string eventPattern, string? description, bool disabled)
    {
        CheckNameAndPattern(name, eventPattern);
        var rule = state.State.Rules.TryGetValue(name, out var existing)
            ? existing with { EventPattern = eventPattern, Description = description, Disabled = disabled }
            : new EventRule { Name = name, EventPattern = eventPattern, Targets = [], Description = description, Disabled = disabled };
        state.State.Rules[name] = rule;
        await state.WriteStateAsync();
        return rule;
    }

    public Task<EventRule?> GetRuleAsync(string name) => Task.FromResult(state.State.Rules.GetValueOrDefault(name));

    public async Task<bool> SetRuleStateAsync(string name, bool disabled)
    {
        if (!state.State.Rules.TryGetValue(name, out var rule))
        {
            return false;
        }

        state.State.Rules[name] = rule with { Disabled = disabled };
        await state.WriteStateAsync();
        return true;
    }

    public async Task<IReadOnlyList<RuleTargetFailure>> PutTargetsAsync(string rule, IReadOnlyList<RuleTarget> targets)
    {
        var existing = state.State.Rules.GetValueOrDefault(rule) ?? throw ErrorCodes.NotFound($"Rule {rule} does not exist on EventBus {this.GetPrimaryKeyString()}.");
        var failures = new List<RuleTargetFailure>();
        var kept = existing.AwsTargets.ToList();
        foreach (var target in targets)
        {
            if (DestinationAddress.TryParse(target.Arn) is not { Kind: DestinationKind.Queue or DestinationKind.Function or DestinationKind.Topic } || !target.Arn.StartsWith("arn:", StringComparison.Ordinal))
            {
                failures.Add(new(target.Id, "ValidationException", $"Target {target.Id}: the ARN {target.Arn} is not supported: use an SQS queue, SNS topic or Lambda function ARN."));
                continue;
            }

            kept.RemoveAll(t => t.Id == target.Id);
            kept.Add(target);
        }

        state.State.Rules[rule] = existing with { RuleTargets = kept };
        await state.WriteStateAsync();
        return failures;
    }

    public async Task<IReadOnlyList<RuleTargetFailure>> RemoveTargetsAsync(string rule, IReadOnlyList<string> ids)
    {
        var existing = state.State.Rules.GetValueOrDefault(rule) ?? throw ErrorCodes.NotFound($"Rule {rule} does not exist on EventBus {this.GetPrimaryKeyString()}.");
        var kept = existing.AwsTargets.ToList();
        var failures = ids.Where(id => kept.RemoveAll(t => t.Id == id) == 0)
            .Select(id => new RuleTargetFailure(id, "ResourceNotFoundException", $"Target {id} does not exist on rule {rule}."))
            .ToList();
        state.State.Rules[rule] = existing with { RuleTargets = kept };
        await state.WriteStateAsync();
        return failures;
    }

    private static void CheckNameAndPattern(string name, string eventPattern)
    {
        if (!FunctionNames.IsValid(name))
        {
            throw ErrorCodes.ValidationFailed([$"Value '{name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+"]);
        }

        try
        {
            EventPattern.Parse(eventPattern);
        }
        catch (InvalidEventPatternException ex)
        {
            throw ErrorCodes.EventPatternRefused(ex.Message);
        }
    }
}
