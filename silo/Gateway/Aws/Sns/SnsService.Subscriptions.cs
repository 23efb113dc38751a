using System.Text.Json.Nodes;
using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Topics;

namespace Orleans.AsyncInvoke.Silo.Gateway.Aws.Sns;

/// <summary>
/// The subscription operations. Every subscription is confirmed when it is made: an HTTP(S) endpoint is not sent a
/// <c>SubscriptionConfirmation</c> to answer, since the runtime has no signing key to make one verifiable.
/// </summary>
internal sealed partial class SnsService
{
    private async Task<JsonObject> SubscribeAsync(AwsCall call)
    {
        var (name, topic, _) = await TopicAsync(call.Input);
        var protocol = SnsErrors.Input.Required(call.Input, "Protocol").ToLowerInvariant();
        var endpoint = SnsErrors.Input.String(call.Input, "Endpoint") ?? "";
        var attributes = SnsErrors.Input.Map(call.Input, "Attributes");
        var raw = false;
        foreach (var (attribute, value) in attributes)
        {
            raw = attribute == "RawMessageDelivery"
                ? RawValue(value)
                : throw SnsErrors.InvalidParameter(
                    $"Invalid parameter: Attributes Reason: {AwsInput.Shown(attribute)} is not supported; subscriptions take RawMessageDelivery (filter policies, redrive and delivery policies are not offered).");
        }

        CheckEndpoint(protocol, endpoint);
        var made = await topic.SubscribeSnsAsync(new TopicSubscription
        {
            Id = Guid.NewGuid().ToString("D"),
            Protocol = protocol,
            Endpoint = endpoint,
            RawMessageDelivery = raw,
            CreatedAt = time.GetUtcNow(),
        });
        return new JsonObject { ["SubscriptionArn"] = $"{TopicArn(name)}:{made.Id}" };
    }

    private void CheckEndpoint(string protocol, string endpoint)
    {
        var address = DestinationAddress.TryParse(endpoint);
        var fits = protocol switch
        {
            "sqs" => address is { Kind: DestinationKind.Queue } && endpoint.StartsWith("arn:aws:sqs:", StringComparison.Ordinal),
            "lambda" => address is { Kind: DestinationKind.Function } && endpoint.StartsWith("arn:aws:lambda:", StringComparison.Ordinal),
            "http" or "https" => address is { Kind: DestinationKind.Webhook } && endpoint.StartsWith(protocol + "://", StringComparison.OrdinalIgnoreCase),
            _ => throw SnsErrors.InvalidParameter(
                $"Invalid parameter: Protocol Reason: {AwsInput.Shown(protocol)} is not supported; the built-in topics deliver to sqs, lambda, http and https."),
        };
        if (!fits)
        {
            throw SnsErrors.InvalidParameter($"Invalid parameter: Endpoint Reason: {AwsInput.Shown(endpoint)} is not a valid {protocol} endpoint.");
        }

        if (arns.ForeignArnProblem(endpoint) is { } foreign)
        {
            throw SnsErrors.InvalidParameter($"Invalid parameter: Endpoint Reason: {foreign}");
        }
    }

    private async Task<JsonObject> UnsubscribeAsync(AwsCall call)
    {
        var (topic, id) = SubscriptionOf(SnsErrors.Input.Required(call.Input, "SubscriptionArn"));
        // As in SNS, unsubscribing what is gone already is no error.
        await grains.GetGrain<ITopicGrain>(topic).UnsubscribeSnsAsync(id);
        return [];
    }

    private async Task<JsonObject> ListSubscriptionsAsync(AwsCall call, (string Name, ITopicGrain Topic, TopicInfo Info)? topic)
    {
        var after = SnsErrors.Input.After(call.Input);
        var all = new List<JsonObject>();
        if (topic is { } one)
        {
            all.AddRange(one.Info.Subscriptions.Select(s => Listed(one.Name, s)));
        }
        else
        {
            foreach (var name in await grains.GetGrain<IResourceDirectoryGrain>(IResourceDirectoryGrain.Topics).ListAsync())
            {
                if (await grains.GetGrain<ITopicGrain>(name).GetInfoAsync() is { } info)
                {
                    all.AddRange(info.Subscriptions.Select(s => Listed(name, s)));
                }
            }
        }

        var start = after is null ? 0 : all.FindIndex(s => (string?)s["SubscriptionArn"] == after) + 1;
        var page = all.Skip(start).Take(PageSize).ToList();
        var output = new JsonObject { ["Subscriptions"] = new JsonArray([.. page]) };
        if (start + page.Count < all.Count)
        {
            output["NextToken"] = AwsInput.Token((string)page[^1]["SubscriptionArn"]!);
        }

        return output;
    }

    private JsonObject Listed(string topic, TopicSubscription s) => new()
    {
        ["SubscriptionArn"] = $"{TopicArn(topic)}:{s.Id}",
        ["Owner"] = _account,
        ["Protocol"] = s.Protocol,
        ["Endpoint"] = s.Endpoint,
        ["TopicArn"] = TopicArn(topic),
    };

    private async Task<JsonObject> GetSubscriptionAttributesAsync(AwsCall call)
    {
        var (topic, subscription) = await SubscriptionAsync(call.Input);
        return new JsonObject
        {
            ["Attributes"] = new JsonObject
            {
                ["SubscriptionArn"] = $"{TopicArn(topic)}:{subscription.Id}",
                ["TopicArn"] = TopicArn(topic),
                ["Owner"] = _account,
                ["Protocol"] = subscription.Protocol,
                ["Endpoint"] = subscription.Endpoint,
                ["RawMessageDelivery"] = subscription.RawMessageDelivery ? "true" : "false",
                ["PendingConfirmation"] = "false",
                ["ConfirmationWasAuthenticated"] = "true",
                ["SubscriptionPrincipal"] = $"arn:aws:iam::{_account}:root",
            },
        };
    }

    private async Task<JsonObject> SetSubscriptionAttributesAsync(AwsCall call)
    {
        var (topic, subscription) = await SubscriptionAsync(call.Input);
        var attribute = SnsErrors.Input.Required(call.Input, "AttributeName");
        if (attribute != "RawMessageDelivery")
        {
            throw SnsErrors.InvalidParameter($"Invalid parameter: AttributeName Reason: {AwsInput.Shown(attribute)} is not supported; subscriptions take RawMessageDelivery.");
        }

        var raw = RawValue(SnsErrors.Input.String(call.Input, "AttributeValue") ?? "");
        return await grains.GetGrain<ITopicGrain>(topic).SetRawMessageDeliveryAsync(subscription.Id, raw) is null
            ? throw SnsErrors.NotFound("Subscription does not exist")
            : [];
    }

    private static bool RawValue(string value) => value.ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw SnsErrors.InvalidParameter("Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [" + AwsInput.Shown(value) + "]. Must be true or false."),
    };

    private async Task<(string Topic, TopicSubscription Subscription)> SubscriptionAsync(JsonObject input)
    {
        var (topic, id) = SubscriptionOf(SnsErrors.Input.Required(input, "SubscriptionArn"));
        var info = await grains.GetGrain<ITopicGrain>(topic).GetInfoAsync();
        return info?.Subscriptions.FirstOrDefault(s => s.Id == id) is { } subscription
            ? (topic, subscription)
            : throw SnsErrors.NotFound("Subscription does not exist");
    }

    /// <summary>A subscription ARN's topic and id: <c>&lt;topic ARN&gt;:&lt;id&gt;</c>.</summary>
    private (string Topic, string Id) SubscriptionOf(string arn)
    {
        var colon = arn.LastIndexOf(':');
        return colon > 0 && TopicName(arn[..colon]) is { } topic && Guid.TryParse(arn[(colon + 1)..], out _)
            ? (topic, arn[(colon + 1)..])
            : throw SnsErrors.InvalidParameter("Invalid parameter: SubscriptionArn Reason: " + AwsInput.Shown(arn) + " is not a subscription ARN of this runtime.");
    }
}
