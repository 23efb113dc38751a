using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Topics;

namespace Orleans.AsyncInvoke.Destinations.Topic;

/// <summary>The stored subscriptions of a topic.</summary>
[GenerateSerializer]
[Alias("AsyncInvoke.TopicState")]
public sealed class TopicState
{
    [Id(0)] public List<string> Subscriptions { get; set; } = [];
}

/// <summary>A topic's subscriptions.</summary>
[GrainType("asyncinvoke-topic")]
public sealed class TopicGrain(
    [PersistentState("topic", StorageNames.Functions)] IPersistentState<TopicState> state,
    Security.OutboundAddressGuard guard) : Grain, ITopicGrain
{
    public async Task SubscribeAsync(string endpoint)
    {
        if (DestinationAddress.TryParse(endpoint) is not { Kind: DestinationKind.Queue or DestinationKind.Function or DestinationKind.Webhook })
        {
            throw ErrorCodes.InvalidParameter($"The subscription endpoint {endpoint} is invalid: use a queue, function or https:// endpoint.");
        }

        if (guard.RefusalOf(endpoint) is { } refused)
        {
            throw ErrorCodes.InvalidParameter($"The subscription endpoint {endpoint} is refused: {refused}");
        }

        if (!state.State.Subscriptions.Contains(endpoint))
        {
            state.State.Subscriptions.Add(endpoint);
            await state.WriteStateAsync();
        }
    }

    public async Task<bool> UnsubscribeAsync(string endpoint)
    {
        if (!state.State.Subscriptions.Remove(endpoint))
        {
            return false;
        }

        await state.WriteStateAsync();
        return true;
    }

    public Task<IReadOnlyList<string>> ListSubscriptionsAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Subscriptions]);
}
