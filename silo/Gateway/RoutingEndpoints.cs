using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Silo.Gateway.Lambda;
using Orleans.AsyncInvoke.Topics;

namespace Orleans.AsyncInvoke.Silo.Gateway;

/// <summary>Topic subscriptions and event-bus rules over HTTP.</summary>
internal static partial class RoutingEndpoints
{
    public static IEndpointRouteBuilder MapRouting(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("").AddEndpointFilter<GatewayErrorFilter>();
        group.MapGet("/topics/{name}/subscriptions", async (string name, IGrainFactory grains) =>
            Results.Json(await Topic(grains, name).ListSubscriptionsAsync()));
        group.MapPut("/topics/{name}/subscriptions", async (HttpContext http, string name, IGrainFactory grains, IOptions<GatewayOptions> gateway) =>
        {
            var topic = Topic(grains, name);
            var body = await LambdaRequest.ReadObjectAsync(http.Request, gateway.Value.MaxJsonBodyBytes);
            var endpoint = body.String("endpoint") ?? throw ErrorCodes.InvalidParameter("endpoint is required.");
            await topic.SubscribeAsync(endpoint);
            return Results.Json(new { topic = name, endpoint });
        });
        // The endpoint is optional to the binder so that its absence is our 400, in our format, not the framework's.
        group.MapDelete("/topics/{name}/subscriptions", async (string name, string? endpoint, IGrainFactory grains) =>
            await Topic(grains, name).UnsubscribeAsync(string.IsNullOrEmpty(endpoint) ? throw ErrorCodes.InvalidParameter("The query parameter endpoint is required.") : endpoint)
                ? Results.NoContent()
                : GatewayErrorFilter.Error(404, ErrorCodes.ResourceNotFound, $"Topic {name} has no subscription {endpoint}."));
        group.MapGet("/eventbuses/{bus}/rules", async (string bus, IGrainFactory grains) =>
            Results.Json((await Bus(grains, bus).ListRulesAsync()).Select(Shape)));
        group.MapPut("/eventbuses/{bus}/rules/{rule}", async (HttpContext http, string bus, string rule, IGrainFactory grains, IOptions<GatewayOptions> gateway) =>
        {
            var eventBus = Bus(grains, bus);
            var body = await LambdaRequest.ReadObjectAsync(http.Request, gateway.Value.MaxJsonBodyBytes);
            var pattern = body.TryGetProperty("EventPattern", out var p) ? p : throw ErrorCodes.InvalidParameter("EventPattern is required.");
            var targets = body.TryGetProperty("Targets", out var t) && t.ValueKind == JsonValueKind.Array
                ? t.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : throw ErrorCodes.InvalidParameter("Targets must be strings.")).ToList()
                : throw ErrorCodes.InvalidParameter("Targets (an array of destination URIs) is required.");
            var saved = await eventBus.PutRuleAsync(new EventRule
            {
                Name = rule,
                EventPattern = pattern.ValueKind == JsonValueKind.String ? pattern.GetString()! : pattern.GetRawText(),
                Targets = targets,
            });
            return Results.Json(Shape(saved));
        });
        group.MapDelete("/eventbuses/{bus}/rules/{rule}", async (string bus, string rule, IGrainFactory grains) =>
            await Bus(grains, bus).DeleteRuleAsync(rule)
                ? Results.NoContent()
                : GatewayErrorFilter.Error(404, ErrorCodes.ResourceNotFound, $"Rule {rule} does not exist on event bus {bus}."));
        return endpoints;
    }

    /// <summary>A topic by a name <c>topic://</c> can address; any other is refused before it becomes a grain key.</summary>
    private static ITopicGrain Topic(IGrainFactory grains, string name) => ResourceName().IsMatch(name)
        ? grains.GetGrain<ITopicGrain>(name)
        : throw ErrorCodes.InvalidParameter($"Topic names are 1-256 characters of letters, digits, '.', '-' and '_' (was '{name}').");

    /// <summary>An event bus by a name <c>eventbus://</c> can address.</summary>
    private static IEventBusGrain Bus(IGrainFactory grains, string name) => ResourceName().IsMatch(name)
        ? grains.GetGrain<IEventBusGrain>(name)
        : throw ErrorCodes.InvalidParameter($"Event bus names are 1-256 characters of letters, digits, '.', '-' and '_' (was '{name}').");

    [GeneratedRegex("^[a-zA-Z0-9_.-]{1,256}$", RegexOptions.CultureInvariant)]
    private static partial Regex ResourceName();

    private static object Shape(EventRule rule) => new
    {
        name = rule.Name,
        eventPattern = JsonDocument.Parse(rule.EventPattern).RootElement,
        targets = rule.Targets,
    };
}
