using System.Text.Json;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Silo.Gateway.Lambda;
using Orleans.AsyncInvoke.Topics;

namespace Orleans.AsyncInvoke.Silo.Gateway;

/// <summary>Topic subscriptions and event-bus rules over HTTP.</summary>
internal static class RoutingEndpoints
{
    public static IEndpointRouteBuilder MapRouting(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("").AddEndpointFilter<GatewayErrorFilter>();
        group.MapGet("/topics/{name}/subscriptions", async (string name, IGrainFactory grains) =>
            Results.Json(await grains.GetGrain<ITopicGrain>(name).ListSubscriptionsAsync()));
        group.MapPut("/topics/{name}/subscriptions", async (HttpContext http, string name, IGrainFactory grains, IOptions<GatewayOptions> gateway) =>
        {
            var body = await LambdaRequest.ReadObjectAsync(http.Request, gateway.Value.MaxJsonBodyBytes);
            var endpoint = body.String("endpoint") ?? throw ErrorCodes.InvalidParameter("endpoint is required.");
            await grains.GetGrain<ITopicGrain>(name).SubscribeAsync(endpoint);
            return Results.Json(new { topic = name, endpoint });
        });
        group.MapDelete("/topics/{name}/subscriptions", async (string name, string endpoint, IGrainFactory grains) =>
            await grains.GetGrain<ITopicGrain>(name).UnsubscribeAsync(endpoint)
                ? Results.NoContent()
                : GatewayErrorFilter.Error(404, ErrorCodes.ResourceNotFound, $"Topic {name} has no subscription {endpoint}."));
        group.MapGet("/eventbuses/{bus}/rules", async (string bus, IGrainFactory grains) =>
            Results.Json((await grains.GetGrain<IEventBusGrain>(bus).ListRulesAsync()).Select(Shape)));
        group.MapPut("/eventbuses/{bus}/rules/{rule}", async (HttpContext http, string bus, string rule, IGrainFactory grains, IOptions<GatewayOptions> gateway) =>
        {
            var body = await LambdaRequest.ReadObjectAsync(http.Request, gateway.Value.MaxJsonBodyBytes);
            var pattern = body.TryGetProperty("EventPattern", out var p) ? p : throw ErrorCodes.InvalidParameter("EventPattern is required.");
            var targets = body.TryGetProperty("Targets", out var t) && t.ValueKind == JsonValueKind.Array
                ? t.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : throw ErrorCodes.InvalidParameter("Targets must be strings.")).ToList()
                : throw ErrorCodes.InvalidParameter("Targets (an array of destination URIs) is required.");
            var saved = await grains.GetGrain<IEventBusGrain>(bus).PutRuleAsync(new EventRule
            {
                Name = rule,
                EventPattern = pattern.ValueKind == JsonValueKind.String ? pattern.GetString()! : pattern.GetRawText(),
                Targets = targets,
            });
            return Results.Json(Shape(saved));
        });
        group.MapDelete("/eventbuses/{bus}/rules/{rule}", async (string bus, string rule, IGrainFactory grains) =>
            await grains.GetGrain<IEventBusGrain>(bus).DeleteRuleAsync(rule)
                ? Results.NoContent()
                : GatewayErrorFilter.Error(404, ErrorCodes.ResourceNotFound, $"Rule {rule} does not exist on event bus {bus}."));
        return endpoints;
    }

    private static object Shape(EventRule rule) => new
    {
        name = rule.Name,
        eventPattern = JsonDocument.Parse(rule.EventPattern).RootElement,
        targets = rule.Targets,
    };
}
