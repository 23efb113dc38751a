using System.Text.Json.Nodes;
using Orleans.AsyncInvoke.Destinations.EventBus;
using Orleans.AsyncInvoke.Topics;

namespace Orleans.AsyncInvoke.Silo.Gateway.Aws.Events;

/// <summary>The target operations: SQS queues, SNS topics and Lambda functions, with <c>Input</c> or <c>InputPath</c>.</summary>
internal sealed partial class EventBridgeService
{
    private static readonly HashSet<string> TargetMembers = new(StringComparer.Ordinal) { "Id", "Arn", "Input", "InputPath", "RoleArn" };

    private async Task<JsonObject> PutTargetsAsync(JsonObject input)
    {
        var ruleName = EventBridgeErrors.Input.Required(input, "Rule");
        var given = EventBridgeErrors.Input.Objects(input, "Targets");
        if (given.Count is 0 or > 10)
        {
            throw EventBridgeErrors.Validation("1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length between 1 and 10");
        }

        var targets = given.Select(TargetOf).ToList();
        var (bus, grain) = await BusAsync(input);
        var rule = await grain.GetRuleAsync(ruleName) ?? throw EventBridgeErrors.NotFound($"Rule {ruleName} does not exist on EventBus {bus}.");
        var ids = rule.AwsTargets.Select(t => t.Id).Union(targets.Select(t => t.Id), StringComparer.Ordinal).Count();
        if (ids > MaxTargetsPerRule)
        {
            throw EventBridgeErrors.LimitExceeded($"The requested resource exceeds the maximum number allowed: a rule has at most {MaxTargetsPerRule} targets.");
        }

        // A target of another region or account is that entry's failure, as EventBridge reports what it cannot take.
        var failed = new List<RuleTargetFailure>();
        var accepted = new List<RuleTarget>();
        foreach (var target in targets)
        {
            if (arns.ForeignArnProblem(target.Arn) is { } foreign)
            {
                failed.Add(new(target.Id, "ValidationException", foreign));
            }
            else
            {
                accepted.Add(target);
            }
        }

        failed.AddRange(accepted.Count == 0 ? [] : await grain.PutTargetsAsync(ruleName, accepted));
        return Failures(failed);
    }

    private static RuleTarget TargetOf(JsonObject target)
    {
        var id = EventBridgeErrors.Input.Required(target, "Id");
        if (!TargetIdPattern().IsMatch(id))
        {
            throw EventBridgeErrors.Validation($"1 validation error detected: Value '{AwsInput.Shown(id)}' at 'targets.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+");
        }

        if (target.Select(m => m.Key).FirstOrDefault(m => !TargetMembers.Contains(m)) is { } unsupported)
        {
            throw EventBridgeErrors.Validation(
                $"Target {id}: {AwsInput.Shown(unsupported)} is not supported; targets take Id, Arn, Input and InputPath (InputTransformer, retry and dead-letter settings are not offered: deliveries are retried and parked by the runtime).");
        }

        var input = EventBridgeErrors.Input.String(target, "Input");
        var path = EventBridgeErrors.Input.String(target, "InputPath");
        if (input is not null && path is not null)
        {
            throw EventBridgeErrors.Validation($"Target {id}: only one of Input and InputPath can be set.");
        }

        if (input is not null && !EventTargetInput.IsJson(input))
        {
            throw EventBridgeErrors.Validation($"Target {id}: Input is not valid JSON text.");
        }

        if (path is not null && !EventTargetInput.IsValidPath(path))
        {
            throw EventBridgeErrors.Validation($"Target {id}: InputPath {AwsInput.Shown(path)} is not valid: use $ followed by .name, ['name'] or [index] steps.");
        }

        return new RuleTarget { Id = id, Arn = EventBridgeErrors.Input.Required(target, "Arn"), Input = input, InputPath = path };
    }

    private async Task<JsonObject> RemoveTargetsAsync(JsonObject input)
    {
        var ruleName = EventBridgeErrors.Input.Required(input, "Rule");
        var ids = EventBridgeErrors.Input.Strings(input, "Ids");
        if (ids.Count is 0 or > 100)
        {
            throw EventBridgeErrors.Validation("1 validation error detected: Value at 'ids' failed to satisfy constraint: Member must have length between 1 and 100");
        }

        var (_, grain) = await BusAsync(input);
        return Failures(await grain.RemoveTargetsAsync(ruleName, ids));
    }

    private async Task<JsonObject> ListTargetsByRuleAsync(JsonObject input)
    {
        var ruleName = EventBridgeErrors.Input.Required(input, "Rule");
        var limit = EventBridgeErrors.Input.Int(input, "Limit", 1, 100) ?? 100;
        var after = EventBridgeErrors.Input.After(input);
        var (bus, grain) = await BusAsync(input);
        var rule = await grain.GetRuleAsync(ruleName) ?? throw EventBridgeErrors.NotFound($"Rule {ruleName} does not exist on EventBus {bus}.");
        var start = after is null ? 0 : rule.AwsTargets.ToList().FindIndex(t => t.Id == after) + 1;
        var page = rule.AwsTargets.Skip(start).Take(limit).ToList();
        var output = new JsonObject
        {
            ["Targets"] = new JsonArray([.. page.Select(t =>
            {
                var shape = new JsonObject { ["Id"] = t.Id, ["Arn"] = t.Arn };
                if (t.Input is not null)
                {
                    shape["Input"] = t.Input;
                }

                if (t.InputPath is not null)
                {
                    shape["InputPath"] = t.InputPath;
                }

                return (JsonNode)shape;
            })]),
        };
        if (start + page.Count < rule.AwsTargets.Count)
        {
            output["NextToken"] = AwsInput.Token(page[^1].Id);
        }

        return output;
    }

    private static JsonObject Failures(IReadOnlyList<RuleTargetFailure> failed) => new()
    {
        ["FailedEntryCount"] = failed.Count,
        ["FailedEntries"] = new JsonArray([.. failed.Select(f => (JsonNode)new JsonObject
        {
            ["TargetId"] = f.TargetId,
            ["ErrorCode"] = f.ErrorCode,
            ["ErrorMessage"] = f.ErrorMessage,
        })]),
    };
}
