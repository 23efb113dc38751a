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
        group.MapGet("/invocations", ListAsync);
        group.MapDelete("/invocations/{requestId}", CancelAsync);
        group.MapPost("/invocations/{requestId}/retry", RetryAsync);
        group.MapGet("/functions/{name}/async", GetAsyncAsync);
        group.MapPut("/functions/{name}/async", PutAsyncAsync);
        group.MapGet("/stats", StatsAsync);
        group.MapPost("/functions/{name}/redrive", StartRedriveAsync);
        group.MapGet("/functions/{name}/redrive", GetRedriveAsync);
        return endpoints;
    }

    /// <summary>A page of one function's invocations, newest first: <c>{"invocations":[…],"next"}</c>.</summary>
    private static async Task<IResult> ListAsync(HttpRequest http, Invocations.Listing.InvocationLister lister)
    {
        var query = http.Query;
        var function = query["function"].ToString();
        if (function.Length == 0)
        {
            throw ErrorCodes.InvalidParameter("The query parameter function is required: invocations are listed per function.");
        }

        _ = ValidName(function);
        var state = query["state"].ToString();
        var since = query["since"].ToString();
        var limit = query["limit"].ToString();
        var page = await lister.ListAsync(new InvocationQuery
        {
            FunctionName = function,
            Phase = state.Length == 0 ? null : PhaseOf(state),
            Since = since.Length == 0 ? null
                : DateTimeOffset.TryParse(since, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at
                : throw ErrorCodes.InvalidParameter($"since must be an RFC 3339 time such as 2026-01-01T00:00:00Z (was '{since}')."),
            Limit = limit.Length == 0 ? 100
                : int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n
                : throw ErrorCodes.InvalidParameter($"limit must be a whole number from 1 to {Invocations.Listing.InvocationLister.MaxLimit} (was '{limit}')."),
            Next = query["next"].ToString() is { Length: > 0 } next ? next : null,
        });
        return Results.Text(InvocationListJson.Write(page), "application/json");
    }

    private static InvocationPhase PhaseOf(string state) => state switch
    {
        "pending" => InvocationPhase.Pending,
        "running" => InvocationPhase.Running,
        "retrying" => InvocationPhase.WaitingForRetry,
        "throttled" => InvocationPhase.Throttled,
        "paused" => InvocationPhase.Paused,
        "succeeded" => InvocationPhase.Succeeded,
        "failed" => InvocationPhase.Failed,
        "cancelled" => InvocationPhase.Cancelled,
        _ => throw ErrorCodes.InvalidParameter($"state must be one of pending, running, retrying, throttled, paused, succeeded, failed, cancelled (was '{state}')."),
    };

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

    /// <summary>202 with the new redrive's progress: the function's dead letters go back into it.</summary>
    private static async Task<IResult> StartRedriveAsync(HttpContext http, string name, IGrainFactory grains, IOptions<GatewayOptions> gateway)
    {
        _ = ValidName(name);
        var body = await LambdaRequest.ReadObjectAsync(http.Request, gateway.Value.MaxJsonBodyBytes);
        var source = body.String("source") ?? "dlq";
        if (source.Length == 0)
        {
            throw ErrorCodes.InvalidParameter("source must be dlq, failure, or a queue's name, URI or ARN.");
        }

        var progress = await grains.GetGrain<IFunctionRedriveGrain>(name).StartAsync(source);
        return Results.Json(RedriveJson(progress), statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> GetRedriveAsync(string name, IGrainFactory grains)
    {
        _ = ValidName(name);
        var progress = await grains.GetGrain<IFunctionRedriveGrain>(name).GetAsync()
            ?? throw ErrorCodes.NotFound($"No redrive of {name} has been started.");
        return Results.Json(RedriveJson(progress));
    }

    private static object RedriveJson(RedriveProgress p) => new
    {
        functionName = p.FunctionName,
        source = p.Source,
        queue = p.Queue,
        state = p.State,
        total = p.Total,
        moved = p.Moved,
        skipped = p.Skipped,
        failed = p.Failed,
        startedAt = p.StartedAt,
        completedAt = p.CompletedAt,
        error = p.Error,
        movedRequestIds = p.MovedRequestIds,
    };

    /// <summary>The cluster's last hour per function (the console's overview), and the scheduler's gauges.</summary>
    private static async Task<IResult> StatsAsync(string? function, IGrainFactory grains)
    {
        if (function is { Length: > 0 })
        {
            _ = ValidName(function);
        }

        var snapshot = await grains.GetGrain<Diagnostics.IActivityStatsGrain>(0).GetAsync();
        return Results.Json(new
        {
            at = snapshot.At,
            since = snapshot.Since,
            windowMinutes = Diagnostics.ActivityStatsGrain.WindowMinutes,
            cluster = new { silos = snapshot.Silos, pending = snapshot.Pending, wakeUpLagMs = Math.Round(snapshot.WakeUpLagMs, 1) },
            functions = snapshot.Functions.Where(f => string.IsNullOrEmpty(function) || f.Totals.FunctionName == function).Select(f => new
            {
                functionName = f.Totals.FunctionName,
                received = f.Totals.Received,
                started = f.Totals.Started,
                succeeded = f.Totals.Succeeded,
                failed = f.Totals.Failed,
                dropped = f.Totals.Dropped,
                cancelled = f.Totals.Cancelled,
                retried = f.Totals.Retried,
                throttled = f.Totals.Throttled,
                redriven = f.Totals.Redriven,
                inFlight = f.Totals.InFlight,
                pending = f.Backlog,
                series = new { received = f.Received, succeeded = f.Succeeded, failed = f.Failed, dropped = f.Dropped, retried = f.Retried },
            }),
        });
    }

    private static IInvocationGrain Invocation(IGrainFactory grains, string requestId) => RequestIds.IsValid(requestId)
        ? grains.GetGrain<IInvocationGrain>(requestId)
        : throw ErrorCodes.NotFound($"Invocation not found: {requestId}");

    private static IFunctionGrain Function(IGrainFactory grains, string name) => grains.GetGrain<IFunctionGrain>(ValidName(name));

    private static string ValidName(string name) => FunctionNames.IsValid(name)
        ? name
        : throw ErrorCodes.ValidationFailed([$"Value '{name}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_-]{{1,64}}$"]);
}
