using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Silo.Gateway.Lambda;

namespace Orleans.AsyncInvoke.Silo.Gateway;

/// <summary>Control over pending and failed work: cancel and retry an invocation, pause and resume a function's asynchronous processing.</summary>
internal static class ControlEndpoints
{
    public static IEndpointRouteBuilder MapControl(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("").AddEndpointFilter<GatewayErrorFilter>();
        group.MapDelete("/invocations/{requestId}", CancelAsync);
        group.MapPost("/invocations/{requestId}/retry", RetryAsync);
        group.MapGet("/functions/{name}/async", GetAsyncAsync);
        group.MapPut("/functions/{name}/async", PutAsyncAsync);
        return endpoints;
    }

    /// <summary>200 with the final status; 202 when the cancel waits for a running attempt to return.</summary>
    private static async Task<IResult> CancelAsync(string requestId, string? notify, IGrainFactory grains)
    {
        var notifies = notify switch
        {
            null or "" or "false" => false,
            "true" => true,
            _ => throw ErrorCodes.InvalidParameter($"notify must be true or false (was '{notify}')."),
        };
        var status = await Invocation(grains, requestId).CancelAsync(notifies);
        return Results.Text(InvocationStatusJson.Write(status), "application/json",
            statusCode: status.IsFinal ? StatusCodes.Status200OK : StatusCodes.Status202Accepted);
    }

    /// <summary>202 with the status: the invocation is due again and runs shortly.</summary>
    private static async Task<IResult> RetryAsync(string requestId, IGrainFactory grains)
    {
        var status = await Invocation(grains, requestId).RetryAsync();
        return Results.Text(InvocationStatusJson.Write(status), "application/json", statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> GetAsyncAsync(string name, IGrainFactory grains) =>
        Results.Json(new { functionName = name, paused = await Function(grains, name).GetAsyncPausedAsync() });

    private static async Task<IResult> PutAsyncAsync(HttpContext http, string name, IGrainFactory grains, IOptions<GatewayOptions> gateway)
    {
        var function = Function(grains, name);
        var body = await LambdaRequest.ReadObjectAsync(http.Request, gateway.Value.MaxJsonBodyBytes);
        var paused = body.Bool("paused") ?? throw ErrorCodes.InvalidParameter("paused (true or false) is required.");
        return Results.Json(new { functionName = name, paused = await function.SetAsyncPausedAsync(paused) });
    }

    private static IInvocationGrain Invocation(IGrainFactory grains, string requestId) => RequestIds.IsValid(requestId)
        ? grains.GetGrain<IInvocationGrain>(requestId)
        : throw ErrorCodes.NotFound($"Invocation not found: {requestId}");

    private static IFunctionGrain Function(IGrainFactory grains, string name) => FunctionNames.IsValid(name)
        ? grains.GetGrain<IFunctionGrain>(name)
        : throw ErrorCodes.ValidationFailed([$"Value '{name}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_-]{{1,64}}$"]);
}
