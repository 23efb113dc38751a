using System.Text.Json;
using System.Text.Json.Nodes;
using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Destinations.EventBus;
using Orleans.AsyncInvoke.Topics;

namespace Orleans.AsyncInvoke.Silo.Gateway.Aws.Events;

/// <summary>
/// PutEvents and TestEventPattern. An event is stored as a delivery to its bus before the call is answered; the bus
/// then matches it against each enabled rule and hands it to the targets, each its own delivery with its own retries.
/// </summary>
internal sealed partial class EventBridgeService
{
    private async Task<JsonObject> PutEventsAsync(JsonObject input)
    {
        var entries = EventBridgeErrors.Input.Objects(input, "Entries");
        if (entries.Count is 0 or > 10)
        {
            throw EventBridgeErrors.Validation("1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10");
        }

        if (input["EndpointId"] is not null)
        {
            throw EventBridgeErrors.Validation("Global endpoints (EndpointId) are not offered: put events on a bus of this runtime.");
        }

        var results = new JsonArray();
        var failed = 0;
        var existing = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var result = await PutEventAsync(entry, existing);
            failed += result.ContainsKey("ErrorCode") ? 1 : 0;
            results.Add(result);
        }

        return new JsonObject { ["FailedEntryCount"] = failed, ["Entries"] = results };
    }

    private async Task<JsonObject> PutEventAsync(JsonObject entry, Dictionary<string, bool> existing)
    {
        if (EventEntry.Problem(entry) is { } problem)
        {
            return new JsonObject { ["ErrorCode"] = problem.Code, ["ErrorMessage"] = problem.Message };
        }

        string bus;
        try
        {
            bus = BusName(entry);
        }
        catch (AwsServiceException ex)
        {
            return new JsonObject { ["ErrorCode"] = ex.QueryCode, ["ErrorMessage"] = ex.Message };
        }

        if (!existing.TryGetValue(bus, out var exists))
        {
            existing[bus] = exists = await grains.GetGrain<IEventBusGrain>(bus).ExistsAsync();
        }

        if (!exists)
        {
            return new JsonObject { ["ErrorCode"] = "ResourceNotFoundException", ["ErrorMessage"] = $"Event bus {bus} does not exist." };
        }

        var id = Guid.NewGuid().ToString("D");
        await grains.GetGrain<IDestinationGrain>("eventbus://" + bus).EnqueueAsync(new DestinationMessage
        {
            Id = "events:" + id,
            Body = EventEntry.Envelope(entry, id, _account, _region, time.GetUtcNow()),
            RequestId = id,
            Condition = "Event",
            IsEvent = true,
        });
        return new JsonObject { ["EventId"] = id };
    }

    private static JsonObject TestEventPattern(JsonObject input)
    {
        var pattern = EventBridgeErrors.Input.Required(input, "EventPattern");
        var text = EventBridgeErrors.Input.Required(input, "Event");
        EventPattern parsed;
        try
        {
            parsed = EventPattern.Parse(pattern);
        }
        catch (InvalidEventPatternException ex)
        {
            throw EventBridgeErrors.InvalidEventPattern(ex.Message);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            throw EventBridgeErrors.Validation("Parameter Event is not valid.");
        }

        using (document)
        {
            // EventBridge wants the envelope's own fields in a test event.
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw EventBridgeErrors.Validation("Parameter Event is not valid.");
            }

            if (TestEventFields.FirstOrDefault(f => !root.TryGetProperty(f, out _)) is { } missing)
            {
                throw EventBridgeErrors.Validation($"Parameter Event is not valid. Reason: the event has no \"{missing}\".");
            }

            return new JsonObject { ["Result"] = parsed.Matches(root) };
        }
    }

    private static readonly string[] TestEventFields = ["id", "account", "source", "time", "region"];
}
