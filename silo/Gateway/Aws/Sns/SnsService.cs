using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Silo.Security;
using Orleans.AsyncInvoke.Topics;

namespace Orleans.AsyncInvoke.Silo.Gateway.Aws.Sns;

/// <summary>
/// SNS over the built-in topics, in the query protocol (<c>Action=&lt;Operation&gt;&amp;Version=2010-03-31</c>, XML
/// answers). A topic ARN <c>arn:aws:sns:&lt;region&gt;:&lt;account&gt;:&lt;name&gt;</c> names the same topic grain as a
/// Lambda destination and <c>/topics/&lt;name&gt;</c>. Subscriptions made here get SNS's envelopes; each operation
/// checks the caller's permission itself.
/// </summary>
internal sealed partial class SnsService(IGrainFactory grains, TimeProvider time, IOptions<AsyncInvokeOptions> options, FunctionArns arns) : IAwsService
{
    private const string XmlNamespace = "https://sns.amazonaws.com/doc/2010-03-31/";
    private const int PageSize = 100;

    private static readonly Dictionary<string, Permission> Operations = new(StringComparer.Ordinal)
    {
        ["CreateTopic"] = Permission.Manage,
        ["DeleteTopic"] = Permission.Manage,
        ["ListTopics"] = Permission.Read,
        ["GetTopicAttributes"] = Permission.Read,
        ["SetTopicAttributes"] = Permission.Manage,
        ["Subscribe"] = Permission.Manage,
        ["Unsubscribe"] = Permission.Manage,
        ["ListSubscriptions"] = Permission.Read,
        ["ListSubscriptionsByTopic"] = Permission.Read,
        ["GetSubscriptionAttributes"] = Permission.Read,
        ["SetSubscriptionAttributes"] = Permission.Manage,
        ["Publish"] = Permission.Manage,
        ["PublishBatch"] = Permission.Manage,
        ["ConfirmSubscription"] = Permission.Manage,
        ["TagResource"] = Permission.Manage,
        ["UntagResource"] = Permission.Manage,
        ["ListTagsForResource"] = Permission.Read,
        ["CreatePlatformApplication"] = Permission.Manage,
        ["CreatePlatformEndpoint"] = Permission.Manage,
        ["CheckIfPhoneNumberIsOptedOut"] = Permission.Read,
        ["GetDataProtectionPolicy"] = Permission.Read,
        ["PutDataProtectionPolicy"] = Permission.Manage,
    };

    /// <summary>Operations whose answer has no result element.</summary>
    private static readonly HashSet<string> NoResult = new(StringComparer.Ordinal)
    {
        "DeleteTopic", "SetTopicAttributes", "Unsubscribe", "SetSubscriptionAttributes",
    };

    private static readonly AwsXmlShape Xml = new(XmlNamespace, (_, list) => list, _ => null);

    private readonly string _account = options.Value.AccountId;
    private readonly string _region = options.Value.Region;

    /// <summary>SNS has no JSON protocol.</summary>
    public string? JsonTargetPrefix => null;

    public string JsonContentType => "application/x-amz-json-1.0";

    public bool ServesAction(string action) => Operations.ContainsKey(action);

    public JsonObject FromQuery(IReadOnlyDictionary<string, string> form) => SnsQueryInput.Convert(form);

    public async Task<JsonObject> HandleAsync(AwsCall call)
    {
        if (!Operations.TryGetValue(call.Operation, out var permission))
        {
            throw AwsServiceException.UnknownOperation(call.Protocol, call.Operation);
        }

        var principal = call.Http.Features.Get<Principal>() ?? Principal.Anonymous;
        if (!principal.May(permission))
        {
            throw SnsErrors.AuthorizationError(
                $"User: arn:aws:iam::{_account}:user/{principal.Name} is not authorized to perform: SNS:{call.Operation} on resource: {ResourceOf(call)} because its role '{principal.Role.ToString().ToLowerInvariant()}' does not allow it");
        }

        try
        {
            return call.Operation switch
            {
                "CreateTopic" => await CreateTopicAsync(call),
                "DeleteTopic" => await DeleteTopicAsync(call),
                "ListTopics" => await ListTopicsAsync(call),
                "GetTopicAttributes" => await GetTopicAttributesAsync(call),
                "SetTopicAttributes" => await SetTopicAttributesAsync(call),
                "Subscribe" => await SubscribeAsync(call),
                "Unsubscribe" => await UnsubscribeAsync(call),
                "ListSubscriptions" => await ListSubscriptionsAsync(call, topic: null),
                "ListSubscriptionsByTopic" => await ListSubscriptionsAsync(call, await TopicAsync(call.Input)),
                "GetSubscriptionAttributes" => await GetSubscriptionAttributesAsync(call),
                "SetSubscriptionAttributes" => await SetSubscriptionAttributesAsync(call),
                "Publish" => await PublishAsync(call),
                "PublishBatch" => await PublishBatchAsync(call),
                "ConfirmSubscription" => throw SnsErrors.Unsupported(
                    "ConfirmSubscription is not needed here: subscriptions are confirmed when they are made (the runtime has no signing keys to send a verifiable SubscriptionConfirmation)."),
                _ => throw SnsErrors.Unsupported($"{call.Operation} is not supported by the built-in topics: they have no tags, platform applications, SMS or data protection policies."),
            };
        }
        catch (AsyncInvokeException ex) when (ex.ErrorCode is ErrorCodes.InvalidParameterValue or ErrorCodes.Validation)
        {
            throw SnsErrors.InvalidParameter(ex.Message);
        }
    }

    /// <summary>SNS's XML wraps list members in <c>member</c> and map entries in <c>entry</c> with <c>key</c>/<c>value</c>.</summary>
    public IResult QueryResult(string operation, JsonObject output, string requestId) =>
        AwsResults.QueryXml(Xml, operation, (JsonObject)Wrapped(output, null), requestId, hasResult: !NoResult.Contains(operation));

    public IResult Error(AwsProtocol protocol, AwsServiceException error, string requestId) =>
        AwsResults.Error(protocol, error, requestId, JsonContentType, XmlNamespace);

    private static JsonNode Wrapped(JsonNode node, string? name) => node switch
    {
        JsonArray list => new JsonObject { ["member"] = new JsonArray([.. list.Select(item => item is null ? null : Wrapped(item, null))]) },
        JsonObject map when name == "Attributes" => new JsonObject
        {
            ["entry"] = new JsonArray([.. map.Select(e => (JsonNode)new JsonObject { ["key"] = e.Key, ["value"] = e.Value?.DeepClone() })]),
        },
        JsonObject structure => new JsonObject(structure.Select(m => KeyValuePair.Create(m.Key, m.Value is null ? null : Wrapped(m.Value, m.Key)))),
        _ => node.DeepClone(),
    };

    private string TopicArn(string name) => $"arn:aws:sns:{_region}:{_account}:{name}";

    /// <summary>The topic name an ARN of this runtime names, or <c>null</c>.</summary>
    private string? TopicName(string arn)
    {
        var parts = arn.Split(':');
        return parts.Length == 6 && parts[0] == "arn" && parts[2] == "sns" && parts[3] == _region && parts[4] == _account && ExistingName().IsMatch(parts[5])
            ? parts[5]
            : null;
    }

    /// <summary>The existing topic a call's <c>TopicArn</c> names.</summary>
    private async Task<(string Name, ITopicGrain Topic, TopicInfo Info)> TopicAsync(JsonObject input, string member = "TopicArn")
    {
        var arn = SnsErrors.Input.Required(input, member);
        var name = TopicName(arn) ?? throw SnsErrors.NotFound("Topic does not exist");
        var topic = grains.GetGrain<ITopicGrain>(name);
        return await topic.GetInfoAsync() is { } info ? (name, topic, info) : throw SnsErrors.NotFound("Topic does not exist");
    }

    private string ResourceOf(AwsCall call) =>
        SnsErrors.Input.String(call.Input, "TopicArn") is { Length: > 0 } arn ? AwsInput.Shown(arn)
        : SnsErrors.Input.String(call.Input, "Name") is { Length: > 0 } name ? TopicArn(AwsInput.Shown(name))
        : $"arn:aws:sns:{_region}:{_account}:*";

    /// <summary>Names of topics that may exist: SNS's, and the wider ones the built-in topics take from destinations.</summary>
    [GeneratedRegex("^[a-zA-Z0-9_.-]{1,256}$", RegexOptions.CultureInvariant)]
    private static partial Regex ExistingName();

    /// <summary>SNS's standard topic names: 1-256 letters, digits, '-' and '_'.</summary>
    [GeneratedRegex("^[a-zA-Z0-9_-]{1,256}$", RegexOptions.CultureInvariant)]
    private static partial Regex TopicNamePattern();
}
