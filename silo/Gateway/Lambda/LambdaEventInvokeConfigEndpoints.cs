using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Functions;

namespace Orleans.AsyncInvoke.Silo.Gateway.Lambda;

/// <summary>Put (overwrite), Update (merge), Get, List and Delete of event-invoke-configs.</summary>
internal static class LambdaEventInvokeConfigEndpoints
{
    private const string Path = "/2019-09-25/functions/{functionName}/event-invoke-config";

    public static void Map(RouteGroupBuilder lambda)
    {
        lambda.MapPut(Path, (HttpContext http, string functionName, IGrainFactory grains, IOptions<GatewayOptions> gateway) =>
            WriteAsync(http, functionName, grains, gateway, (g, q, input) => g.PutEventInvokeConfigAsync(q, input)));
        lambda.MapPost(Path, (HttpContext http, string functionName, IGrainFactory grains, IOptions<GatewayOptions> gateway) =>
            WriteAsync(http, functionName, grains, gateway, (g, q, input) => g.UpdateEventInvokeConfigAsync(q, input)));
        lambda.MapGet(Path, GetAsync);
        lambda.MapDelete(Path, DeleteAsync);
        lambda.MapGet(Path + "/list", ListAsync);
    }

    private static async Task<IResult> WriteAsync(HttpContext http, string functionName, IGrainFactory grains, IOptions<GatewayOptions> gateway,
        Func<IFunctionGrain, string?, EventInvokeConfigInput, Task<EventInvokeConfig>> write)
    {
        var (name, qualifier) = LambdaFunctionName.Parse(functionName, http.Request.Query["Qualifier"]);
        var body = await LambdaRequest.ReadObjectAsync(http.Request, gateway.Value.MaxJsonBodyBytes);
        var config = await write(grains.GetGrain<IFunctionGrain>(name), qualifier, ToInput(body));
        return Results.Json(LambdaShapes.EventInvokeConfig(config));
    }

    private static async Task<IResult> GetAsync(HttpContext http, string functionName, IGrainFactory grains)
    {
        var (name, qualifier) = LambdaFunctionName.Parse(functionName, http.Request.Query["Qualifier"]);
        return Results.Json(LambdaShapes.EventInvokeConfig(await grains.GetGrain<IFunctionGrain>(name).GetEventInvokeConfigAsync(qualifier)));
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, string functionName, IGrainFactory grains)
    {
        var (name, qualifier) = LambdaFunctionName.Parse(functionName, http.Request.Query["Qualifier"]);
        await grains.GetGrain<IFunctionGrain>(name).DeleteEventInvokeConfigAsync(qualifier);
        return Results.NoContent();
    }

    private static async Task<IResult> ListAsync(HttpContext http, string functionName, IGrainFactory grains)
    {
        var (name, _) = LambdaFunctionName.Parse(functionName, null);
        var marker = http.Request.Query["Marker"].ToString();
        var page = await grains.GetGrain<IFunctionGrain>(name).ListEventInvokeConfigsAsync(
            string.IsNullOrEmpty(marker) ? null : marker, LambdaRequest.QueryInt(http.Request, "MaxItems"));
        var response = new JsonObject
        {
            ["FunctionEventInvokeConfigs"] = new JsonArray([.. page.Items.Select(c => (JsonNode)LambdaShapes.EventInvokeConfig(c))]),
        };
        if (page.NextMarker is not null)
        {
            response["NextMarker"] = page.NextMarker;
        }

        return Results.Json(response);
    }

    private static EventInvokeConfigInput ToInput(JsonElement body)
    {
        var destinations = body.Object("DestinationConfig");
        string? Destination(string side) =>
            destinations?.Object(side) is { } target ? target.String("Destination") ?? "" : null;

        return new EventInvokeConfigInput
        {
            MaximumRetryAttempts = body.Int("MaximumRetryAttempts"),
            MaximumEventAgeInSeconds = body.Int("MaximumEventAgeInSeconds"),
            OnSuccess = Destination("OnSuccess"),
            OnFailure = Destination("OnFailure"),
            HasDestinationConfig = destinations is not null,
        };
    }
}
