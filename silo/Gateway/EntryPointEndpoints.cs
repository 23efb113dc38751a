using System.Text.Json;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Execution;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Security;
using Orleans.AsyncInvoke.Silo.Gateway.Lambda;

namespace Orleans.AsyncInvoke.Silo.Gateway;

/// <summary>Azure-, Yandex-, OpenFaaS- and FunctionGraph-style entry points, and invocation status by request id.</summary>
internal static class EntryPointEndpoints
{
    public static IEndpointRouteBuilder MapEntryPoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("").AddEndpointFilter<GatewayErrorFilter>();
        group.MapMethods("/api/{function}", ["GET", "POST"], InvokeApiAsync);
        group.MapPost("/async-function/{function}", InvokeOpenFaasAsync);
        group.MapPost("/v2/{projectId}/fgs/functions/{functionUrn}/invocations-async", InvokeFunctionGraphAsync);
        group.MapGet("/invocations/{requestId}", GetInvocationAsync);
        return endpoints;
    }

    /// <summary>Azure style: synchronous by default; <c>?integration=async</c> (Yandex style) accepts asynchronously.</summary>
    private static async Task<IResult> InvokeApiAsync(HttpContext http, string function, IGrainFactory grains, IOptions<AsyncInvokeOptions> options)
    {
        var (name, qualifier) = Split(function);
        var isAsync = string.Equals(http.Request.Query["integration"], "async", StringComparison.OrdinalIgnoreCase);
        var limit = isAsync ? options.Value.MaxAsyncPayloadBytes : options.Value.MaxSyncPayloadBytes;
        var payload = http.Request.Method == HttpMethods.Get
            ? QueryAsJson(http.Request)
            : await LambdaRequest.ReadBodyAsync(http.Request, limit, $"Request must be smaller than {limit} bytes.");
        if (isAsync)
        {
            var requestId = await LambdaInvokeEndpoints.AcceptAsync(http, grains, name, qualifier, payload);
            http.Response.Headers["X-Request-Id"] = requestId;
            return Results.Json(new { requestId, status = "accepted", statusUrl = $"/invocations/{requestId}" }, statusCode: StatusCodes.Status202Accepted);
        }

        var result = await grains.GetGrain<IFunctionInvokerGrain>(0).InvokeAsync(name, qualifier, payload, requestId: null);
        http.Response.Headers["X-Request-Id"] = result.RequestId;
        if (result.FunctionError is not null)
        {
            // Azure answers an unhandled function exception with 500; the body is the function's error, not ours.
            http.Response.Headers["X-Function-Error"] = result.FunctionError;
            http.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Results.Bytes(result.Payload, "application/json");
        }

        return Results.Bytes(result.Payload, IsJson(result.Payload) ? "application/json" : "text/plain; charset=utf-8");
    }

    /// <summary>OpenFaaS style: 202 with <c>X-Call-Id</c> (the caller's, or a new one).</summary>
    private static async Task<IResult> InvokeOpenFaasAsync(HttpContext http, string function, IGrainFactory grains, IOptions<AsyncInvokeOptions> options)
    {
        var (name, qualifier) = Split(function);
        var callId = http.Request.Headers["X-Call-Id"].ToString();
        if (callId.Length > 0 && !RequestIds.IsValid(callId))
        {
            throw ErrorCodes.InvalidParameter("X-Call-Id must be 1 to 128 printable ASCII characters without '/'.");
        }

        var callback = http.Request.Headers["X-Callback-Url"].ToString();
        if (callback.Length > 0 && !(Uri.TryCreate(callback, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            throw ErrorCodes.InvalidParameter("X-Callback-Url must be an absolute http:// or https:// URL.");
        }

        if (callback.Length > 0 && http.RequestServices.GetRequiredService<OutboundAddressGuard>().RefusalOf(callback) is { } refused)
        {
            throw ErrorCodes.InvalidParameter($"X-Callback-Url is refused: {refused}");
        }

        var limit = options.Value.MaxAsyncPayloadBytes;
        var payload = await LambdaRequest.ReadBodyAsync(http.Request, limit, $"Request must be smaller than {limit} bytes.");
        var requestId = await LambdaInvokeEndpoints.AcceptAsync(http, grains, name, qualifier, payload, callId.Length > 0 ? callId : null, callback.Length > 0 ? callback : null);
        http.Response.Headers["X-Call-Id"] = requestId;
        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    /// <summary>FunctionGraph style: the function URN's name (and version or alias) selects the function.</summary>
    private static async Task<IResult> InvokeFunctionGraphAsync(HttpContext http, string projectId, string functionUrn, IGrainFactory grains, IOptions<AsyncInvokeOptions> options)
    {
        var (name, qualifier) = ParseUrn(functionUrn);
        var limit = options.Value.MaxAsyncPayloadBytes;
        var payload = await LambdaRequest.ReadBodyAsync(http.Request, limit, $"Request must be smaller than {limit} bytes.");
        var requestId = await LambdaInvokeEndpoints.AcceptAsync(http, grains, name, qualifier, payload);
        _ = projectId;
        return Results.Json(new Dictionary<string, string> { ["request_id"] = requestId }, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> GetInvocationAsync(string requestId, IGrainFactory grains)
    {
        if (!RequestIds.IsValid(requestId))
        {
            throw ErrorCodes.NotFound($"Invocation not found: {requestId}");
        }

        var status = await grains.GetGrain<IInvocationGrain>(requestId).GetStatusAsync()
            ?? throw ErrorCodes.NotFound($"Invocation not found: {requestId}");
        return Results.Text(InvocationStatusJson.Write(status), "application/json");
    }

    private static (string Name, string? Qualifier) Split(string function)
    {
        var colon = function.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? function : function[..colon];
        if (!FunctionNames.IsValid(name))
        {
            throw ErrorCodes.ValidationFailed([$"Value '{function}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_-]{{1,64}}(:qualifier)?$"]);
        }

        return (name, colon < 0 ? null : function[(colon + 1)..]);
    }

    /// <summary><c>urn:fss:&lt;region&gt;:&lt;project&gt;:function:&lt;package&gt;:&lt;name&gt;[:&lt;version or alias&gt;]</c>, or a bare name.</summary>
    private static (string Name, string? Qualifier) ParseUrn(string urn)
    {
        var parts = urn.Split(':');
        if (parts.Length == 1)
        {
            return Split(urn);
        }

        if (parts.Length is < 7 or > 8 || parts[0] != "urn" || parts[1] != "fss" || parts[4] != "function")
        {
            throw ErrorCodes.InvalidParameter($"The function URN {urn} is invalid: expected urn:fss:<region>:<project_id>:function:<package>:<name>[:<version>].");
        }

        var qualifier = parts.Length == 8 && parts[7] != "latest" ? parts[7] : null;
        return Split(qualifier is null ? parts[6] : $"{parts[6]}:{qualifier}");
    }

    private static byte[] QueryAsJson(HttpRequest request) =>
        JsonSerializer.SerializeToUtf8Bytes(request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal));

    private static bool IsJson(byte[] payload)
    {
        try
        {
            using var _ = JsonDocument.Parse(payload);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
