using System.Text.Json.Nodes;
using Orleans.AsyncInvoke.Destinations.EventBus;
using Orleans.AsyncInvoke.Topics;

namespace Orleans.AsyncInvoke.Silo.Gateway.Aws.Events;

/// <summary>The rule operations: rules match with event patterns; schedules are not offered.</summary>
internal sealed partial class EventBridgeService
{
    private async Task<JsonObject> PutRuleAsync(JsonObject input)
    {
        var name = EventBridgeErrors.Input.Required(input, "Name");
        var pattern = EventBridgeErrors.Input.String(input, "EventPattern");
        if (EventBridgeErrors.Input.String(input, "ScheduleExpression") is { Length: > 0 })
        {
            throw EventBridgeErrors.Validation("ScheduleExpression is not supported: rules here match events with an EventPattern; schedule invocations with a timer of your own or EventBridge Scheduler.");
        }

        if (string.IsNullOrEmpty(pattern))
        {
            throw EventBridgeErrors.Validation("Parameter(s) EventPattern or ScheduleExpression must be specified.");
        }

        if (input["Tags"] is not null)
        {
            throw EventBridgeErrors.Validation("Tags are not offered on the built-in rules.");
        }

        var disabled = EventBridgeErrors.Input.String(input, "State") switch
        {
            null or "ENABLED" => false,
            "DISABLED" => true,
            var other => throw EventBridgeErrors.Validation(
                $"1 validation error detected: Value '{AwsInput.Shown(other)}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]"),
        };
        var description = EventBridgeErrors.Input.String(input, "Description");
        if (description is { Length: > 512 })
        {
            throw EventBridgeErrors.Validation("1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 512");
        }

        var (bus, grain) = await BusAsync(input);
        await grain.DefineRuleAsync(name, pattern, description, disabled);
        return new JsonObject { ["RuleArn"] = RuleArn(bus, name) };
    }

    private async Task<JsonObject> DeleteRuleAsync(JsonObject input)
    {
        var name = EventBridgeErrors.Input.Required(input, "Name");
        var (_, bus) = await BusAsync(input);
        if (await bus.GetRuleAsync(name) is not { } rule)
        {
            // Deleting a rule that does not exist succeeds, as in EventBridge.
            return [];
        }

        if (rule.AwsTargets.Count > 0 || rule.Targets.Count > 0)
        {
            throw EventBridgeErrors.Validation("Rule can't be deleted since it has targets.");
        }

        await bus.DeleteRuleAsync(name);
        return [];
    }

    private async Task<JsonObject> ListRulesAsync(JsonObject input)
    {
        var prefix = EventBridgeErrors.Input.String(input, "NamePrefix") ?? "";
        var limit = EventBridgeErrors.Input.Int(input, "Limit", 1, 100) ?? 100;
        var after = EventBridgeErrors.Input.After(input);
        var (name, bus) = await BusAsync(input);
        var rules = (await bus.ListRulesAsync())
            .Where(r => r.Name.StartsWith(prefix, StringComparison.Ordinal) && (after is null || string.CompareOrdinal(r.Name, after) > 0))
            .ToList();
        var page = rules.Take(limit).ToList();
        var output = new JsonObject { ["Rules"] = new JsonArray([.. page.Select(r => (JsonNode)Shape(name, r))]) };
        if (rules.Count > page.Count)
        {
            output["NextToken"] = AwsInput.Token(page[^1].Name);
        }

        return output;
    }

    private async Task<JsonObject> DescribeRuleAsync(JsonObject input)
    {
        var name = EventBridgeErrors.Input.Required(input, "Name");
        var (bus, grain) = await BusAsync(input);
        var rule = await grain.GetRuleAsync(name) ?? throw EventBridgeErrors.NotFound($"Rule {name} does not exist on EventBus {bus}.");
        var shape = Shape(bus, rule);
        shape["CreatedBy"] = _account;
        return shape;
    }

    private async Task<JsonObject> SetRuleStateAsync(JsonObject input, bool disabled)
    {
        var name = EventBridgeErrors.Input.Required(input, "Name");
        var (bus, grain) = await BusAsync(input);
        return await grain.SetRuleStateAsync(name, disabled) ? [] : throw EventBridgeErrors.NotFound($"Rule {name} does not exist on EventBus {bus}.");
    }

    private JsonObject Shape(string bus, EventRule rule)
    {
        var shape = new JsonObject
        {
            ["Name"] = rule.Name,
            ["Arn"] = RuleArn(bus, rule.Name),
            ["EventPattern"] = rule.EventPattern,
            ["State"] = rule.Disabled ? "DISABLED" : "ENABLED",
            ["EventBusName"] = bus,
        };
        if (rule.Description is not null)
        {
            shape["Description"] = rule.Description;
        }

        return shape;
    }
}
