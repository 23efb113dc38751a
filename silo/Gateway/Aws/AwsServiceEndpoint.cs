using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Orleans.AsyncInvoke.Silo.Gateway.Aws.Sqs;
using Orleans.AsyncInvoke.Silo.Gateway.Lambda;

namespace Orleans.AsyncInvoke.Silo.Gateway.Aws;

/// <summary>
/// The one endpoint of the AWS services that share <c>POST /</c>, as AWS's own endpoints do per service: a JSON
/// protocol call goes to the service whose <c>X-Amz-Target</c> prefix it names (<c>AmazonSQS.</c>), a query protocol
/// call to the service that serves its form's <c>Action</c>. The query protocol may also post to a resource's path
/// (an SQS queue URL, <see cref="QueueUrlPattern"/>). Nothing that comes in is answered with a 500 and a trace.
/// </summary>
internal static partial class AwsServiceEndpoint
{
    /// <summary>The path of a queue URL (<c>/&lt;account&gt;/&lt;queue name&gt;</c>), where query-protocol callers post.</summary>
    public const string QueueUrlPattern = "/{account:regex(^[0-9]{{12}}$)}/{queueName}";

    /// <summary>The largest body taken: a batch of ten messages of SQS's 1 MiB limit, URL-encoded in the query protocol.</summary>
    private const int MaxBodyBytes = 4 * 1024 * 1024;

    public static IEndpointRouteBuilder MapAwsServices(this IEndpointRouteBuilder endpoints)
    {
        IAwsService[] services =
        [
            ActivatorUtilities.CreateInstance<SqsService>(endpoints.ServiceProvider),
            ActivatorUtilities.CreateInstance<Sns.SnsService>(endpoints.ServiceProvider),
            ActivatorUtilities.CreateInstance<Events.EventBridgeService>(endpoints.ServiceProvider),
        ];
        var logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AwsServiceEndpoint).FullName!);
        async Task Handle(HttpContext http) => await (await HandleAsync(http, services, logger)).ExecuteAsync(http);
        endpoints.MapPost("/", Handle);
        endpoints.MapPost(QueueUrlPattern, Handle);
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, IAwsService[] services, ILogger logger)
    {
        var requestId = Guid.NewGuid().ToString();
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        var target = http.Request.Headers["X-Amz-Target"].ToString();
        var protocol = target.Length > 0 ? AwsProtocol.Json : AwsProtocol.Query;
        IAwsService? service = null;
        try
        {
            var (call, owner) = protocol == AwsProtocol.Json
                ? await ReadJsonCallAsync(http, target, services)
                : await ReadQueryCallAsync(http, services);
            service = owner;
            var output = await owner.HandleAsync(call);
            return protocol == AwsProtocol.Json
                ? Results.Text(output.ToJsonString(), owner.JsonContentType, Encoding.UTF8)
                : owner.QueryResult(call.Operation, output, requestId);
        }
        catch (AwsServiceException ex)
        {
            return (service ?? services[0]).Error(protocol, ex, requestId);
        }
        catch (Exception ex) when (ex is LambdaRequestException or BadHttpRequestException)
        {
            var status = ex is LambdaRequestException l ? l.Status : ((BadHttpRequestException)ex).StatusCode;
            var error = status == 413
                ? new AwsServiceException(413, "RequestEntityTooLarge", "com.amazon.coral.service#RequestEntityTooLarge", ex.Message)
                : AwsServiceException.Malformed(protocol, ex.Message);
            return (service ?? services[0]).Error(protocol, error, requestId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            LogUnexpected(logger, ex, http.Request.Method, http.Request.Path);
            return (service ?? services[0]).Error(protocol,
                new AwsServiceException(500, "InternalFailure", "com.amazon.coral.service#InternalFailure", "The service encountered an internal error. Try again.", senderFault: false),
                requestId);
        }
    }

    private static async Task<(AwsCall, IAwsService)> ReadJsonCallAsync(HttpContext http, string target, IAwsService[] services)
    {
        var owner = services.FirstOrDefault(s => s.JsonTargetPrefix is { } prefix && target.StartsWith(prefix, StringComparison.Ordinal))
            ?? throw AwsServiceException.UnknownOperation(AwsProtocol.Json, target);
        var operation = target[owner.JsonTargetPrefix!.Length..];
        var body = await LambdaRequest.ReadBodyAsync(http.Request, MaxBodyBytes, $"Request must be smaller than {MaxBodyBytes} bytes.");
        if (body.Length == 0)
        {
            return (new AwsCall(operation, [], AwsProtocol.Json, http, null), owner);
        }

        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            throw AwsServiceException.Malformed(AwsProtocol.Json, "The request body is not valid UTF-8.");
        }

        try
        {
            return JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 64 }) is JsonObject input
                ? (new AwsCall(operation, EnsureReadable(input), AwsProtocol.Json, http, null), owner)
                : throw AwsServiceException.Malformed(AwsProtocol.Json, "The request body must be a JSON object.");
        }
        catch (JsonException ex)
        {
            throw AwsServiceException.Malformed(AwsProtocol.Json, $"The request body is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>
    /// A parsed body is read lazily: a member named twice, or a string escaping half of a surrogate pair, would only
    /// throw when a service reads it. Read it all once here, so such a body is refused as malformed.
    /// </summary>
    private static JsonObject EnsureReadable(JsonObject input)
    {
        var pending = new Stack<JsonNode?>([input]);
        try
        {
            while (pending.TryPop(out var node))
            {
                switch (node)
                {
                    case JsonObject members:
                        foreach (var (_, value) in members)
                        {
                            pending.Push(value);
                        }

                        break;
                    case JsonArray items:
                        foreach (var item in items)
                        {
                            pending.Push(item);
                        }

                        break;
                    case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                        _ = value.GetValue<string>();
                        break;
                }
            }
        }
        catch (ArgumentException ex)
        {
            throw AwsServiceException.Malformed(AwsProtocol.Json, $"The request body is not valid JSON: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            throw AwsServiceException.Malformed(AwsProtocol.Json, $"The request body is not valid JSON: {ex.Message}");
        }

        return input;
    }

    private static async Task<(AwsCall, IAwsService)> ReadQueryCallAsync(HttpContext http, IAwsService[] services)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in http.Request.Query)
        {
            form[name] = value.ToString();
        }

        var body = await LambdaRequest.ReadBodyAsync(http.Request, MaxBodyBytes, $"Request must be smaller than {MaxBodyBytes} bytes.");
        if (body.Length > 0)
        {
            if (!System.Text.Unicode.Utf8.IsValid(body))
            {
                throw AwsServiceException.Malformed(AwsProtocol.Query, "The request body is not valid UTF-8.");
            }

            foreach (var (name, value) in QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)))
            {
                form[name] = value.ToString();
            }
        }

        if (!form.TryGetValue("Action", out var action) || action.Length == 0)
        {
            throw new AwsServiceException(400, "MissingAction", "com.amazon.coral.service#MissingAction",
                "No Action was given: send a form (application/x-www-form-urlencoded) with Action and Version, or a JSON call with X-Amz-Target.");
        }

        var owner = services.FirstOrDefault(s => s.ServesAction(action)) ?? throw AwsServiceException.UnknownOperation(AwsProtocol.Query, action);
        var path = http.Request.Path.Value is { Length: > 1 } p ? p : null;
        return (new AwsCall(action, owner.FromQuery(form), AwsProtocol.Query, http, path), owner);
    }

    [LoggerMessage(EventId = LogEvents.AwsServiceFailure, Level = LogLevel.Error, Message = "Unexpected failure of an AWS service call on {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string path);
}
