using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Execution;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Invocations;

using Orleans.AsyncInvoke.Silo.Security;

namespace Orleans.AsyncInvoke.Silo.Gateway.Lambda;

/// <summary>Lambda <c>Invoke</c> and the deprecated <c>InvokeAsync</c>.</summary>
internal static class LambdaInvokeEndpoints
{
    public static void Map(RouteGroupBuilder lambda)
    {
        lambda.MapPost("/2015-03-31/functions/{functionName}/invocations", InvokeAsync);
        lambda.MapPost("/2014-11-13/functions/{functionName}/invoke-async", InvokeAsyncDeprecatedAsync);
    }

    private static async Task<IResult> InvokeAsync(HttpContext http, string functionName, IGrainFactory grains, IOptions<AsyncInvokeOptions> options)
    {
        var (name, qualifier) = LambdaFunctionName.Parse(functionName, http.Request.Query["Qualifier"]);
        var type = http.Request.Headers["X-Amz-Invocation-Type"].ToString();
        type = string.IsNullOrEmpty(type) ? "RequestResponse" : type;
        var limits = options.Value;
        switch (type)
        {
            case "Event":
                var payload = await LambdaRequest.ReadBodyAsync(http.Request, limits.MaxAsyncPayloadBytes,
                    $"Request must be smaller than {limits.MaxAsyncPayloadBytes} bytes for the Event invocation type.");
                LambdaRequest.EnsureJson(payload);
                var requestId = await AcceptAsync(http, grains, name, qualifier, payload);
                http.Response.Headers["X-Amzn-RequestId"] = requestId;
                return Results.StatusCode(StatusCodes.Status202Accepted);
            case "RequestResponse":
                var syncPayload = await LambdaRequest.ReadBodyAsync(http.Request, limits.MaxSyncPayloadBytes,
                    $"Request must be smaller than {limits.MaxSyncPayloadBytes} bytes for the Invoke operation.");
                LambdaRequest.EnsureJson(syncPayload);
                var result = await grains.GetGrain<IFunctionInvokerGrain>(0).InvokeAsync(name, qualifier, syncPayload, SyncOptions(http.Request));
                http.Response.Headers["X-Amzn-RequestId"] = result.RequestId;
                if (result.LogResult is not null)
                {
                    http.Response.Headers["X-Amz-Log-Result"] = result.LogResult;
                }

                http.Response.Headers["X-Amz-Executed-Version"] = result.ExecutedVersion;
                if (result.FunctionError is not null)
                {
                    http.Response.Headers["X-Amz-Function-Error"] = result.FunctionError;
                }

                return Results.Bytes(result.Payload, "application/json");
            case "DryRun":
                var resolved = await grains.GetGrain<IFunctionGrain>(name).ResolveAsync(qualifier);
                http.Response.Headers["X-Amz-Executed-Version"] = resolved.ExecutedVersion;
                return Results.NoContent();
            default:
                throw ErrorCodes.ValidationFailed([$"Value '{type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]"]);
        }
    }

    /// <summary>Lambda's <c>LogType</c> and <c>ClientContext</c> of a synchronous invoke, validated as Lambda does.</summary>
    private static SyncInvocationOptions SyncOptions(HttpRequest request)
    {
        var logType = request.Headers["X-Amz-Log-Type"].ToString();
        if (logType is not ("" or "None" or "Tail"))
        {
            throw ErrorCodes.ValidationFailed([$"Value '{logType}' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [Tail, None]"]);
        }

        var clientContext = request.Headers["X-Amz-Client-Context"].ToString();
        string? decoded = null;
        if (clientContext.Length > 0)
        {
            if (clientContext.Length > 3583)
            {
                throw ErrorCodes.InvalidParameter("Client context must be at most 3583 bytes, base64-encoded.");
            }

            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(clientContext));
                using var json = System.Text.Json.JsonDocument.Parse(decoded);
                if (json.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
                {
                    throw new FormatException();
                }
            }
            catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException)
            {
                throw LambdaRequestException.BadContent("Client context must be a valid Base64-encoded JSON object.");
            }
        }

        return new SyncInvocationOptions { ClientContext = decoded, TailLog = logType == "Tail" };
    }

    private static async Task<IResult> InvokeAsyncDeprecatedAsync(HttpContext http, string functionName, IGrainFactory grains, IOptions<GatewayOptions> options)
    {
        var (name, qualifier) = LambdaFunctionName.Parse(functionName, null);
        var limit = options.Value.MaxInvokeAsyncPayloadBytes;
        var payload = await LambdaRequest.ReadBodyAsync(http.Request, limit, $"Request must be smaller than {limit} bytes for the InvokeAsync operation.");
        LambdaRequest.EnsureJson(payload);
        var requestId = await AcceptAsync(http, grains, name, qualifier, payload);
        http.Response.Headers["X-Amzn-RequestId"] = requestId;
        return Results.Json(new System.Text.Json.Nodes.JsonObject { ["Status"] = 202 }, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// Accepts an event. With an <c>Idempotency-Key</c> header the request id is derived from the function and the
    /// key, so a repeated accept lands on the same invocation and returns its id instead of running twice.
    /// </summary>
    internal static async Task<string> AcceptAsync(HttpContext http, IGrainFactory grains, string name, string? qualifier, byte[] payload, string? requestId = null, string? callbackUrl = null)
    {
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length > 256)
        {
            throw ErrorCodes.InvalidParameter("The Idempotency-Key header must be at most 256 characters.");
        }

        var principal = http.Features.Get<Principal>() ?? Principal.Anonymous;
        if (!http.RequestServices.GetRequiredService<AcceptRateLimiter>().TryAcquire(principal.Name, name))
        {
            throw LambdaRequestException.CallerRateLimitExceeded();
        }

        requestId ??= key.Length > 0 ? IdempotentRequestId(name, key) : RequestIds.New();
        var traceParent = http.Request.Headers["traceparent"].ToString();
        await http.RequestServices.GetRequiredService<InvocationIngress>().AcceptAsync(requestId, InvocationHeaders.Apply(http.Request, new InvocationRequest
        {
            FunctionName = name,
            Qualifier = qualifier,
            Payload = payload,
            TraceParent = string.IsNullOrEmpty(traceParent) ? null : traceParent,
            CallbackUrl = callbackUrl,
        }));
        return requestId;
    }

    private static string IdempotentRequestId(string functionName, string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{functionName}\n{key}"));
        return new Guid(hash.AsSpan(0, 16)).ToString("D");
    }
}
