using System.Text.Json.Nodes;
using Orleans.AsyncInvoke.Destinations.EventBus;
using Orleans.AsyncInvoke.Topics;

namespace Orleans.AsyncInvoke.Silo.Gateway.Aws.Events;

/// <summary>The event bus operations; <c>default</c> always exists and cannot be deleted.</summary>
internal sealed partial class EventBridgeService
{
    private async Task<JsonObject> CreateEventBusAsync(JsonObject input)
    {
        var name = EventBridgeErrors.Input.Required(input, "Name");
        if (name.StartsWith("arn:", StringComparison.Ordinal))
        {
            throw EventBridgeErrors.Validation("The event bus name must be a name, not an ARN.");
        }

        name = BusName(input, "Name");
        if (input["EventSourceName"] is not null)
        {
            throw EventBridgeErrors.Validation("Partner event buses (EventSourceName) are not offered: create a custom bus.");
        }

        if (input["Tags"] is not null || input["KmsKeyIdentifier"] is not null || input["DeadLetterConfig"] is not null)
        {
            throw EventBridgeErrors.Validation("Tags, KmsKeyIdentifier and DeadLetterConfig are not offered on the built-in buses: failed deliveries are retried and parked by the runtime.");
        }

        if (!await grains.GetGrain<IEventBusGrain>(name).CreateAsync())
        {
            throw EventBridgeErrors.AlreadyExists($"Event bus {name} already exists.");
        }

        await grains.GetGrain<IResourceDirectoryGrain>(IResourceDirectoryGrain.EventBuses).AddAsync(name);
        return new JsonObject { ["EventBusArn"] = BusArn(name) };
    }

    private async Task<JsonObject> DeleteEventBusAsync(JsonObject input)
    {
        EventBridgeErrors.Input.Required(input, "Name");
        var name = BusName(input, "Name");
        if (name == EventBusGrain.DefaultBus)
        {
            throw EventBridgeErrors.Validation("Cannot delete event bus default.");
        }

        // Deleting a bus that does not exist succeeds, as in EventBridge.
        await grains.GetGrain<IEventBusGrain>(name).DeleteBusAsync();
        await grains.GetGrain<IResourceDirectoryGrain>(IResourceDirectoryGrain.EventBuses).RemoveAsync(name);
        return [];
    }

    private async Task<JsonObject> ListEventBusesAsync(JsonObject input)
    {
        var prefix = EventBridgeErrors.Input.String(input, "NamePrefix") ?? "";
        var limit = EventBridgeErrors.Input.Int(input, "Limit", 1, 100) ?? 100;
        var after = EventBridgeErrors.Input.After(input);
        var names = (await grains.GetGrain<IResourceDirectoryGrain>(IResourceDirectoryGrain.EventBuses).ListAsync())
            .Append(EventBusGrain.DefaultBus)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && (after is null || string.CompareOrdinal(n, after) > 0))
            .ToList();
        var page = names.Take(limit).ToList();
        var output = new JsonObject { ["EventBuses"] = new JsonArray([.. page.Select(n => (JsonNode)new JsonObject { ["Name"] = n, ["Arn"] = BusArn(n) })]) };
        if (names.Count > page.Count)
        {
            output["NextToken"] = AwsInput.Token(page[^1]);
        }

        return output;
    }

    private async Task<JsonObject> DescribeEventBusAsync(JsonObject input)
    {
        var (name, _) = await BusAsync(input, "Name");
        return new JsonObject { ["Name"] = name, ["Arn"] = BusArn(name) };
    }
}
