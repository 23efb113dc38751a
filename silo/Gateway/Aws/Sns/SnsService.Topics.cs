using System.Text.Json.Nodes;
using Orleans.AsyncInvoke.Topics;

namespace Orleans.AsyncInvoke.Silo.Gateway.Aws.Sns;

/// <summary>The topic operations: create, delete, list, attributes.</summary>
internal sealed partial class SnsService
{
    /// <summary>The attributes a topic keeps and shows; SNS acts on none of them here but <c>DisplayName</c> is shown as set.</summary>
    private static readonly HashSet<string> SettableTopicAttributes = new(StringComparer.Ordinal) { "DisplayName", "Policy", "DeliveryPolicy" };

    private async Task<JsonObject> CreateTopicAsync(AwsCall call)
    {
        var name = SnsErrors.Input.Required(call.Input, "Name");
        var attributes = SnsErrors.Input.Map(call.Input, "Attributes");
        if (name.EndsWith(".fifo", StringComparison.Ordinal) || attributes.ContainsKey("FifoTopic"))
        {
            throw SnsErrors.InvalidParameter("Invalid parameter: FIFO topics are not supported: the built-in topics are standard topics.");
        }

        if (!TopicNamePattern().IsMatch(name))
        {
            throw SnsErrors.InvalidParameter("Invalid parameter: Topic Name");
        }

        if (call.Input["Tags"] is not null)
        {
            throw SnsErrors.InvalidParameter("Invalid parameter: Tags Reason: the built-in topics have no tags.");
        }

        foreach (var attribute in attributes.Keys)
        {
            CheckTopicAttribute(attribute);
        }

        await grains.GetGrain<ITopicGrain>(name).CreateAsync(attributes);
        await grains.GetGrain<IResourceDirectoryGrain>(IResourceDirectoryGrain.Topics).AddAsync(name);
        return new JsonObject { ["TopicArn"] = TopicArn(name) };
    }

    private async Task<JsonObject> DeleteTopicAsync(AwsCall call)
    {
        // Deleting a topic that does not exist succeeds, as in SNS.
        var arn = SnsErrors.Input.Required(call.Input, "TopicArn");
        if (TopicName(arn) is { } name)
        {
            await grains.GetGrain<ITopicGrain>(name).DeleteAsync();
            await grains.GetGrain<IResourceDirectoryGrain>(IResourceDirectoryGrain.Topics).RemoveAsync(name);
        }

        return [];
    }

    private async Task<JsonObject> ListTopicsAsync(AwsCall call)
    {
        var after = SnsErrors.Input.After(call.Input);
        var names = (await grains.GetGrain<IResourceDirectoryGrain>(IResourceDirectoryGrain.Topics).ListAsync())
            .Where(n => after is null || string.CompareOrdinal(n, after) > 0)
            .ToList();
        var page = names.Take(PageSize).ToList();
        var output = new JsonObject { ["Topics"] = new JsonArray([.. page.Select(n => (JsonNode)new JsonObject { ["TopicArn"] = TopicArn(n) })]) };
        if (names.Count > page.Count)
        {
            output["NextToken"] = AwsInput.Token(page[^1]);
        }

        return output;
    }

    private async Task<JsonObject> GetTopicAttributesAsync(AwsCall call)
    {
        var (name, _, info) = await TopicAsync(call.Input);
        var arn = TopicArn(name);
        var attributes = new JsonObject
        {
            ["TopicArn"] = arn,
            ["Owner"] = _account,
            ["DisplayName"] = info.Attributes.GetValueOrDefault("DisplayName", ""),
            ["Policy"] = info.Attributes.GetValueOrDefault("Policy") ?? DefaultPolicy(arn),
            ["SubscriptionsConfirmed"] = info.Subscriptions.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SubscriptionsPending"] = "0",
            ["SubscriptionsDeleted"] = "0",
            ["EffectiveDeliveryPolicy"] = DefaultDeliveryPolicy,
        };
        if (info.Attributes.GetValueOrDefault("DeliveryPolicy") is { } delivery)
        {
            attributes["DeliveryPolicy"] = delivery;
        }

        return new JsonObject { ["Attributes"] = attributes };
    }

    private async Task<JsonObject> SetTopicAttributesAsync(AwsCall call)
    {
        var (_, topic, _) = await TopicAsync(call.Input);
        var attribute = SnsErrors.Input.Required(call.Input, "AttributeName");
        CheckTopicAttribute(attribute);
        await topic.SetAttributeAsync(attribute, SnsErrors.Input.String(call.Input, "AttributeValue") ?? "");
        return [];
    }

    private static void CheckTopicAttribute(string attribute)
    {
        if (!SettableTopicAttributes.Contains(attribute))
        {
            throw SnsErrors.InvalidParameter(
                $"Invalid parameter: AttributeName Reason: {AwsInput.Shown(attribute)} is not supported; the built-in topics take DisplayName, Policy and DeliveryPolicy (kept and shown; delivery retries are the runtime's own).");
        }
    }

    private string DefaultPolicy(string arn) => new JsonObject
    {
        ["Version"] = "2008-10-17",
        ["Id"] = "__default_policy_ID",
        ["Statement"] = new JsonArray(new JsonObject
        {
            ["Sid"] = "__default_statement_ID",
            ["Effect"] = "Allow",
            ["Principal"] = new JsonObject { ["AWS"] = "*" },
            ["Action"] = new JsonArray("SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
                "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"),
            ["Resource"] = arn,
            ["Condition"] = new JsonObject { ["StringEquals"] = new JsonObject { ["AWS:SourceOwner"] = _account } },
        }),
    }.ToJsonString();

    private const string DefaultDeliveryPolicy =
        """{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}""";
}
