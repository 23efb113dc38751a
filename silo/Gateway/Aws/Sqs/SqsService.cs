using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Queues;
using Orleans.AsyncInvoke.Silo.Security;

namespace Orleans.AsyncInvoke.Silo.Gateway.Aws.Sqs;

/// <summary>
/// SQS over the built-in queues, in the JSON protocol (<c>X-Amz-Target: AmazonSQS.&lt;Operation&gt;</c>) and the query
/// protocol (<c>Action=&lt;Operation&gt;</c>). A queue URL <c>http://&lt;host&gt;/&lt;account&gt;/&lt;name&gt;</c> and the ARN
/// <c>arn:aws:sqs:&lt;region&gt;:&lt;account&gt;:&lt;name&gt;</c> of a destination name the same queue grain. Each operation
/// checks the caller's permission itself: they share one route.
/// </summary>
internal sealed partial class SqsService(IGrainFactory grains, TimeProvider time, IOptions<AsyncInvokeOptions> options, FunctionArns arns) : IAwsService
{
    private const string XmlNamespace = "http://queue.amazonaws.com/doc/2012-11-05/";

    private static readonly Dictionary<string, Permission> Operations = new(StringComparer.Ordinal)
    {
        ["CreateQueue"] = Permission.Manage,
        ["GetQueueUrl"] = Permission.Read,
        ["ListQueues"] = Permission.Read,
        ["DeleteQueue"] = Permission.Manage,
        ["GetQueueAttributes"] = Permission.Read,
        ["SetQueueAttributes"] = Permission.Manage,
        ["PurgeQueue"] = Permission.Manage,
        ["SendMessage"] = Permission.Manage,
        ["SendMessageBatch"] = Permission.Manage,
        ["ReceiveMessage"] = Permission.Consume,
        ["DeleteMessage"] = Permission.Consume,
        ["DeleteMessageBatch"] = Permission.Consume,
        ["ChangeMessageVisibility"] = Permission.Consume,
        ["ChangeMessageVisibilityBatch"] = Permission.Consume,
        ["ListQueueTags"] = Permission.Read,
        ["TagQueue"] = Permission.Manage,
        ["UntagQueue"] = Permission.Manage,
        ["ListDeadLetterSourceQueues"] = Permission.Read,
        ["AddPermission"] = Permission.Manage,
        ["RemovePermission"] = Permission.Manage,
        ["StartMessageMoveTask"] = Permission.Manage,
        ["CancelMessageMoveTask"] = Permission.Manage,
        ["ListMessageMoveTasks"] = Permission.Read,
    };

    /// <summary>Operations whose answer has no result element in the query protocol.</summary>
    private static readonly HashSet<string> NoResult = new(StringComparer.Ordinal)
    {
        "DeleteQueue", "SetQueueAttributes", "PurgeQueue", "DeleteMessage", "ChangeMessageVisibility", "TagQueue", "UntagQueue",
    };

    private static readonly AwsXmlShape Xml = new(XmlNamespace, ListMember, MapEntry);

    private readonly string _account = options.Value.AccountId;
    private readonly string _region = options.Value.Region;

    public string? JsonTargetPrefix => "AmazonSQS.";

    public string JsonContentType => "application/x-amz-json-1.0";

    public bool ServesAction(string action) => Operations.ContainsKey(action);

    public JsonObject FromQuery(IReadOnlyDictionary<string, string> form) => SqsQueryInput.Convert(form);

    public async Task<JsonObject> HandleAsync(AwsCall call)
    {
        if (!Operations.TryGetValue(call.Operation, out var permission))
        {
            throw AwsServiceException.UnknownOperation(call.Protocol, call.Operation);
        }

        var principal = call.Http.Features.Get<Principal>() ?? Principal.Anonymous;
        if (!principal.May(permission))
        {
            throw SqsErrors.AccessDenied(
                $"User: arn:aws:iam::{_account}:user/{principal.Name} is not authorized to perform: sqs:{call.Operation} on resource: {ResourceOf(call)} because its role '{principal.Role.ToString().ToLowerInvariant()}' does not allow it");
        }

        try
        {
            return call.Operation switch
            {
                "CreateQueue" => await CreateQueueAsync(call),
                "GetQueueUrl" => await GetQueueUrlAsync(call),
                "ListQueues" => await ListQueuesAsync(call),
                "DeleteQueue" => await DeleteQueueAsync(call),
                "GetQueueAttributes" => await GetQueueAttributesAsync(call),
                "SetQueueAttributes" => await SetQueueAttributesAsync(call),
                "PurgeQueue" => await PurgeQueueAsync(call),
                "SendMessage" => await SendMessageAsync(call),
                "SendMessageBatch" => await SendMessageBatchAsync(call),
                "ReceiveMessage" => await ReceiveMessageAsync(call),
                "DeleteMessage" => await DeleteMessageAsync(call),
                "DeleteMessageBatch" => await DeleteMessageBatchAsync(call),
                "ChangeMessageVisibility" => await ChangeMessageVisibilityAsync(call),
                "ChangeMessageVisibilityBatch" => await ChangeMessageVisibilityBatchAsync(call),
                "ListQueueTags" => await ListQueueTagsAsync(call),
                _ => throw SqsErrors.UnsupportedOperation($"{call.Operation} is not supported by the built-in queues: they have no tags, permissions, or message move tasks."),
            };
        }
        catch (AsyncInvokeException ex) when (ex.ErrorCode is ErrorCodes.InvalidParameterValue or ErrorCodes.Validation)
        {
            throw SqsErrors.InvalidParameterValue(ex.Message);
        }
    }

    public IResult QueryResult(string operation, JsonObject output, string requestId) =>
        AwsResults.QueryXml(Xml, operation, output, requestId, hasResult: !NoResult.Contains(operation));

    public IResult Error(AwsProtocol protocol, AwsServiceException error, string requestId) =>
        AwsResults.Error(protocol, error, requestId, JsonContentType, XmlNamespace);

    /// <summary>The queue a call names: its <c>QueueUrl</c>, or the queue URL path the query protocol posted to.</summary>
    private async Task<(string Name, IQueueGrain Queue, QueueSettings Settings)> QueueAsync(AwsCall call)
    {
        var url = SqsInput.String(call.Input, "QueueUrl") ?? call.ResourcePath ?? throw SqsErrors.MissingParameter("QueueUrl");
        var path = Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https" ? absolute.AbsolutePath : url;
        var parts = path.Trim('/').Split('/');
        // A bare queue name is taken as well: some tools pass one where a URL belongs.
        var (account, name) = parts.Length switch
        {
            1 => (_account, parts[0]),
            2 => (parts[0], parts[1]),
            _ => ("", ""),
        };
        if (account != _account || !ExistingName().IsMatch(name))
        {
            throw SqsErrors.NonExistentQueue();
        }

        var queue = grains.GetGrain<IQueueGrain>(name);
        return await queue.GetSettingsAsync() is { } settings ? (name, queue, settings) : throw SqsErrors.NonExistentQueue();
    }

    private string QueueUrl(HttpContext http, string name) => $"{http.Request.Scheme}://{http.Request.Host.Value}/{_account}/{name}";

    private string QueueArn(string name) => $"arn:aws:sqs:{_region}:{_account}:{name}";

    private string ResourceOf(AwsCall call)
    {
        var url = SqsInput.String(call.Input, "QueueUrl") ?? call.ResourcePath;
        var name = url?.TrimEnd('/').Split('/')[^1] ?? SqsInput.String(call.Input, "QueueName");
        return QueueArn(name is { Length: > 0 } ? SqsErrors.Shown(name) : "*");
    }

    private static string ListMember(string operation, string list) => list switch
    {
        "Messages" => "Message",
        "QueueUrls" or "queueUrls" => "QueueUrl",
        "Failed" => "BatchResultErrorEntry",
        "Successful" => operation + "ResultEntry",
        _ => list,
    };

    private static (string, string, string)? MapEntry(string map) => map switch
    {
        "Attributes" => ("Attribute", "Name", "Value"),
        "MessageAttributes" => ("MessageAttribute", "Name", "Value"),
        "Tags" => ("Tag", "Key", "Value"),
        _ => null,
    };

    /// <summary>Names of queues that may exist: SQS's names, and the wider ones the built-in queues take from destinations.</summary>
    [GeneratedRegex("^[a-zA-Z0-9_.-]{1,256}$", RegexOptions.CultureInvariant)]
    private static partial Regex ExistingName();

    /// <summary>The names SQS lets a create give: 1-80 letters, digits, '-' and '_'.</summary>
    [GeneratedRegex("^[a-zA-Z0-9_-]{1,80}$", RegexOptions.CultureInvariant)]
    private static partial Regex CreatableName();
}
