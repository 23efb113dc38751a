using System.Text.Json;
using System.Text.RegularExpressions;
using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Queues;
using Orleans.AsyncInvoke.Silo.Gateway.Lambda;

namespace Orleans.AsyncInvoke.Silo.Gateway;

/// <summary>The built-in queues over HTTP, and the delivery state of destinations.</summary>
internal static partial class QueueEndpoints
{
    public static IEndpointRouteBuilder MapQueues(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("").AddEndpointFilter<GatewayErrorFilter>();
        group.MapGet("/queues", ListAsync);
        group.MapPost("/queues/{name}/messages", SendAsync);
        group.MapGet("/queues/{name}/messages", ReceiveAsync);
        group.MapDelete("/queues/{name}/messages/{receiptHandle}", DeleteAsync);
        // Deleting every message has a route of its own: a missing receipt handle must never reach it.
        group.MapDelete("/queues/{name}/messages", MissingReceiptHandle);
        group.MapPost("/queues/{name}/purge", PurgeAsync);
        group.MapGet("/queues/{name}/peek", PeekAsync);
        group.MapGet("/destinations", StatusAsync);
        group.MapGet("/destinations/parked", ParkedAsync);
        group.MapPost("/destinations/redrive", RedriveAsync);
        return endpoints;
    }

    private static async Task<IResult> ListAsync(IGrainFactory grains)
    {
        var names = await grains.GetGrain<IQueueDirectoryGrain>(IQueueDirectoryGrain.Key).ListAsync();
        var depths = await Task.WhenAll(names.Select(n => grains.GetGrain<IQueueGrain>(n).DepthAsync()));
        return Results.Json(names.Select((n, i) => new { name = n, approximateDepth = depths[i] }));
    }

    private static async Task<IResult> SendAsync(HttpContext http, string name, IGrainFactory grains)
    {
        EnsureName(name);
        var body = await LambdaRequest.ReadBodyAsync(http.Request, 1024 * 1024, "Request must be smaller than 1048576 bytes.");
        var text = System.Text.Encoding.UTF8.GetString(body);
        var id = await grains.GetGrain<IQueueGrain>(name).SendAsync(text, null, null);
        return Results.Json(new { messageId = id }, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, string name, IGrainFactory grains, TimeProvider time)
    {
        EnsureName(name);
        var max = LambdaRequest.QueryInt(http.Request, "max") ?? 1;
        var visibility = LambdaRequest.QueryInt(http.Request, "visibilityTimeout") ?? 30;
        var wait = LambdaRequest.QueryInt(http.Request, "waitSeconds") ?? 0;
        if (max is < 1 or > 10 || visibility is < 0 or > 43200 || wait is < 0 or > 20)
        {
            throw ErrorCodes.InvalidParameter("max must be 1-10, visibilityTimeout 0-43200 and waitSeconds 0-20.");
        }

        // Long polling: between receives, wait on the queue grain until a message is sent or becomes visible.
        var queue = grains.GetGrain<IQueueGrain>(name);
        var started = time.GetTimestamp();
        while (true)
        {
            var messages = await queue.ReceiveAsync(max, TimeSpan.FromSeconds(visibility));
            var left = TimeSpan.FromSeconds(wait) - time.GetElapsedTime(started);
            if (messages.Count > 0 || left <= TimeSpan.Zero)
            {
                return Results.Json(messages.Select(m => new { messageId = m.MessageId, receiptHandle = m.ReceiptHandle, body = m.Body, attributes = m.Attributes, receiveCount = m.ReceiveCount }));
            }

            await queue.WaitForMessageAsync(left).WaitAsync(http.RequestAborted);
        }
    }

    private static IResult MissingReceiptHandle(string name)
    {
        EnsureName(name);
        return GatewayErrorFilter.Error(400, "MissingParameter",
            $"A receipt handle is required: DELETE /queues/{name}/messages/{{receiptHandle}}. To delete every message, POST /queues/{name}/purge.");
    }

    private static async Task<IResult> DeleteAsync(string name, string receiptHandle, IGrainFactory grains)
    {
        EnsureName(name);
        if (!ReceiptHandle().IsMatch(receiptHandle))
        {
            return GatewayErrorFilter.Error(400, "ReceiptHandleIsInvalid", $"The receipt handle {receiptHandle} is malformed: use the receiptHandle a receive returned.");
        }

        return await grains.GetGrain<IQueueGrain>(name).DeleteAsync(receiptHandle)
            ? Results.NoContent()
            : GatewayErrorFilter.Error(404, "ReceiptHandleIsInvalid", $"The receipt handle {receiptHandle} is not valid (unknown, deleted, or received again since).");
    }

    /// <summary>The oldest messages, read without receiving them: what a dead-letter queue holds, for a person to look at.</summary>
    private static async Task<IResult> PeekAsync(HttpContext http, string name, IGrainFactory grains)
    {
        EnsureName(name);
        var limit = LambdaRequest.QueryInt(http.Request, "limit") ?? 20;
        if (limit is < 1 or > 100)
        {
            throw ErrorCodes.InvalidParameter($"limit must be 1-100 (was {limit}).");
        }

        var messages = await grains.GetGrain<IQueueGrain>(name).PeekAsync(limit);
        return Results.Json(new
        {
            messages = messages.Select(m => new
            {
                messageId = m.MessageId,
                body = m.Body,
                attributes = m.Attributes,
                sentAt = m.SentAt,
                receiveCount = m.ReceiveCount,
            }),
        }, JsonOptions);
    }

    private static async Task<IResult> PurgeAsync(string name, IGrainFactory grains)
    {
        EnsureName(name);
        await grains.GetGrain<IQueueGrain>(name).PurgeAsync();
        return Results.NoContent();
    }

    /// <summary>One destination's status; without <c>uri</c>, every destination deliveries were stored for, with its counters.</summary>
    private static async Task<IResult> StatusAsync(string? uri, IGrainFactory grains, Destinations.Storage.IDeliveryStore deliveries)
    {
        if (uri is null)
        {
            var all = await deliveries.ListDestinationsAsync();
            return Results.Json(new
            {
                destinations = all.Select(d => new
                {
                    destination = DestinationAddress.Redact(d.Destination),
                    pending = d.Counters.Pending,
                    parkedCount = d.Counters.Parked,
                    deliveryFailures = d.Counters.DeliveryFailures,
                }),
            }, JsonOptions);
        }

        return Results.Json(await Destination(grains, uri).GetStatusAsync(), JsonOptions);
    }

    private static async Task<IResult> ParkedAsync(HttpContext http, string? uri, IGrainFactory grains)
    {
        var offset = LambdaRequest.QueryInt(http.Request, "offset") ?? 0;
        var limit = LambdaRequest.QueryInt(http.Request, "limit") ?? 100;
        if (offset < 0 || limit is < 1 or > 1000)
        {
            throw ErrorCodes.InvalidParameter("offset must not be negative and limit must be 1-1000.");
        }

        var page = await Destination(grains, uri).ListParkedAsync(offset, limit);
        return Results.Json(new { parked = page, next = page.Count == limit ? offset + limit : (int?)null }, JsonOptions);
    }

    private static async Task<IResult> RedriveAsync(string? uri, IGrainFactory grains) =>
        Results.Json(new { redriven = await Destination(grains, uri).RedriveAsync() });

    private static IDestinationGrain Destination(IGrainFactory grains, string? uri) =>
        string.IsNullOrEmpty(uri)
            ? throw ErrorCodes.InvalidParameter("The query parameter uri is required: the destination's URI or ARN (queue://q, arn:aws:sqs:…:q, https://…).")
            : DestinationAddress.TryParse(uri) is null
                ? throw ErrorCodes.InvalidParameter($"The destination ARN {uri} is invalid.")
                : grains.GetGrain<IDestinationGrain>(uri);

    private static void EnsureName(string name)
    {
        if (!QueueName().IsMatch(name))
        {
            throw ErrorCodes.InvalidParameter($"Queue names are 1-256 characters of letters, digits, '.', '-' and '_' (was '{name}').");
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = ReadableJson.Web;

    [GeneratedRegex("^[a-zA-Z0-9_.-]{1,256}$", RegexOptions.CultureInvariant)]
    private static partial Regex QueueName();

    /// <summary>What a receive hands out: the message id, the receive count and a random part.</summary>
    [GeneratedRegex(@"^[^\s]{1,300}\.[0-9]{1,10}\.[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex ReceiptHandle();
}
