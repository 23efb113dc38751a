using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Topics;

namespace Orleans.AsyncInvoke.Destinations.Topic;

/// <summary>The stored subscriptions of a topic.</summary>
[GenerateSerializer]
[Alias("AsyncInvoke.TopicState")]
public sealed class TopicState
{
    /// <summary>Plain endpoints (<c>/topics</c>): they receive what reaches the topic as it is.</summary>
    [Id(0)] public List<string> Subscriptions { get; set; } = [];

    /// <summary>SNS subscriptions: they receive SNS's envelopes.</summary>
    [Id(1)] public List<TopicSubscription> SnsSubscriptions { get; set; } = [];

    /// <summary>Whether SNS's <c>CreateTopic</c> made it (a topic also exists while anything subscribes to it).</summary>
    [Id(2)] public bool Created { get; set; }

    /// <summary>The settable attributes SNS shows.</summary>
    [Id(3)] public Dictionary<string, string> Attributes { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A topic's subscriptions and attributes.</summary>
[GrainType("asyncinvoke-topic")]
public sealed class TopicGrain(
    [PersistentState("topic", StorageNames.Functions)] IPersistentState<TopicState> state,
    Security.OutboundAddressGuard guard) : Grain, ITopicGrain
{
    private bool Exists => state.State.Created || state.State.Subscriptions.Count > 0 || state.State.SnsSubscriptions.Count > 0;

    public async Task SubscribeAsync(string endpoint)
    {
        Check(endpoint);
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

    public async Task CreateAsync(IReadOnlyDictionary<string, string> attributes)
    {
        if (state.State.Created)
        {
            return;
        }

        state.State.Created = true;
        foreach (var (name, value) in attributes)
        {
            state.State.Attributes[name] = value;
        }

        await state.WriteStateAsync();
    }

    public Task<TopicInfo?> GetInfoAsync() => Task.FromResult(Exists
        ? new TopicInfo
        {
            Attributes = new Dictionary<string, string>(state.State.Attributes, StringComparer.Ordinal),
            Subscriptions = [.. state.State.SnsSubscriptions],
            Endpoints = [.. state.State.Subscriptions],
        }
        : null);

    public async Task<bool> SetAttributeAsync(string name, string value)
    {
        if (!Exists)
        {
            return false;
        }

        if (value.Length == 0)
        {
            state.State.Attributes.Remove(name);
        }
        else
        {
            state.State.Attributes[name] = value;
        }

        await state.WriteStateAsync();
        return true;
    }

    public async Task<bool> DeleteAsync()
    {
        if (!Exists)
        {
            return false;
        }

        await state.ClearStateAsync();
        state.State = new TopicState();
        return true;
    }

    public async Task<TopicSubscription> SubscribeSnsAsync(TopicSubscription subscription)
    {
        Check(subscription.Endpoint);
        if (state.State.SnsSubscriptions.Find(s => s.Protocol == subscription.Protocol && s.Endpoint == subscription.Endpoint) is { } existing)
        {
            return existing;
        }

        state.State.SnsSubscriptions.Add(subscription);
        await state.WriteStateAsync();
        return subscription;
    }

    public async Task<bool> UnsubscribeSnsAsync(string id)
    {
        if (state.State.SnsSubscriptions.RemoveAll(s => s.Id == id) == 0)
        {
            return false;
        }

        await state.WriteStateAsync();
        return true;
    }

    public async Task<TopicSubscription?> SetRawMessageDeliveryAsync(string id, bool raw)
    {
        var index = state.State.SnsSubscriptions.FindIndex(s => s.Id == id);
        if (index < 0)
        {
            return null;
        }

        var changed = state.State.SnsSubscriptions[index] with { RawMessageDelivery = raw };
        state.State.SnsSubscriptions[index] = changed;
        await state.WriteStateAsync();
        return changed;
    }

    private void Check(string endpoint)
    {
        if (DestinationAddress.TryParse(endpoint) is not { Kind: DestinationKind.Queue or DestinationKind.Function or DestinationKind.Webhook })
        {
            throw ErrorCodes.InvalidParameter($"The subscription endpoint {endpoint} is invalid: use a queue, function or https:// endpoint.");
        }

        if (guard.RefusalOf(endpoint) is { } refused)
        {
            throw ErrorCodes.InvalidParameter($"The subscription endpoint {endpoint} is refused: {refused}");
        }
    }
}
