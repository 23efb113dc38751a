using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Topics;

namespace Orleans.AsyncInvoke.Destinations.EventBus;

/// <summary>The stored rules of an event bus.</summary>
[GenerateSerializer]
[Alias("AsyncInvoke.EventBusState")]
public sealed class EventBusState
{
    [Id(0)] public Dictionary<string, EventRule> Rules { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>An event bus's rules.</summary>
[GrainType("asyncinvoke-eventbus")]
public sealed class EventBusGrain(
    [PersistentState("eventbus", StorageNames.Functions)] IPersistentState<EventBusState> state,
    Security.OutboundAddressGuard guard) : Grain, IEventBusGrain
{
    public async Task<EventRule> PutRuleAsync(EventRule rule)
    {
        if (!FunctionNames.IsValid(rule.Name))
        {
            throw ErrorCodes.ValidationFailed([$"Value '{rule.Name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+"]);
        }

        try
        {
            EventPattern.Parse(rule.EventPattern);
        }
        catch (InvalidEventPatternException ex)
        {
            throw ErrorCodes.EventPatternRefused(ex.Message);
        }

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
}
