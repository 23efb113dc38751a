using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Orleans.AsyncInvoke.Queues;

namespace Orleans.AsyncInvoke.Silo.Gateway.Aws.Sqs;

/// <summary>The queue operations: create, find, list, delete, attributes, purge.</summary>
internal sealed partial class SqsService
{
    private async Task<JsonObject> CreateQueueAsync(AwsCall call)
    {
        var name = SqsInput.Required(call.Input, "QueueName");
        var attributes = SqsInput.Map(call.Input, "Attributes");
        if (name.EndsWith(".fifo", StringComparison.Ordinal))
        {
            throw SqsErrors.InvalidParameterValue(QueueAttributes.FifoRefusal);
        }

        if (!CreatableName().IsMatch(name))
        {
            throw SqsErrors.InvalidParameterValue("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
        }

        await CheckAttributesAsync(attributes);
        var created = await grains.GetGrain<IQueueGrain>(name).CreateAsync(attributes);
        return created.ConflictingAttribute is { } conflict
            ? throw SqsErrors.QueueNameExists(conflict)
            : new JsonObject { ["QueueUrl"] = QueueUrl(call.Http, name) };
    }

    private async Task<JsonObject> GetQueueUrlAsync(AwsCall call)
    {
        var name = SqsInput.Required(call.Input, "QueueName");
        if (SqsInput.String(call.Input, "QueueOwnerAWSAccountId") is { } owner && owner != _account)
        {
            throw SqsErrors.NonExistentQueue();
        }

        return ExistingName().IsMatch(name) && await grains.GetGrain<IQueueGrain>(name).GetSettingsAsync() is not null
            ? new JsonObject { ["QueueUrl"] = QueueUrl(call.Http, name) }
            : throw SqsErrors.NonExistentQueue();
    }

    private async Task<JsonObject> ListQueuesAsync(AwsCall call)
    {
        var prefix = SqsInput.String(call.Input, "QueueNamePrefix") ?? "";
        var max = SqsInput.Int(call.Input, "MaxResults", 1, 1000);
        var after = SqsInput.String(call.Input, "NextToken") is { Length: > 0 } token ? FromToken(token) : null;
        var names = (await grains.GetGrain<IQueueDirectoryGrain>(IQueueDirectoryGrain.Key).ListAsync())
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && (after is null || string.CompareOrdinal(n, after) > 0))
            .ToList();
        var page = names.Take(max ?? 1000).ToList();
        var output = new JsonObject();
        if (page.Count > 0)
        {
            output["QueueUrls"] = new JsonArray([.. page.Select(n => (JsonNode)QueueUrl(call.Http, n))]);
        }

        // SQS pages only when MaxResults is given.
        if (max is not null && names.Count > page.Count)
        {
            output["NextToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(page[^1]));
        }

        return output;
    }

    private async Task<JsonObject> DeleteQueueAsync(AwsCall call)
    {
        var (_, queue, _) = await QueueAsync(call);
        return await queue.DeleteQueueAsync() ? [] : throw SqsErrors.NonExistentQueue();
    }

    private async Task<JsonObject> PurgeQueueAsync(AwsCall call)
    {
        var (_, queue, _) = await QueueAsync(call);
        await queue.PurgeAsync();
        return [];
    }

    private async Task<JsonObject> GetQueueAttributesAsync(AwsCall call)
    {
        var (name, queue, settings) = await QueueAsync(call);
        var wanted = SqsInput.Strings(call.Input, "AttributeNames");
        foreach (var attribute in wanted)
        {
            if (!QueueAttributes.IsKnown(attribute))
            {
                throw SqsErrors.InvalidAttributeName($"Unknown Attribute {SqsErrors.Shown(attribute)}.");
            }
        }

        var all = wanted.Contains("All");
        bool Wants(string attribute) => all || wanted.Contains(attribute);
        var result = new JsonObject();
        foreach (var (attribute, fallback) in QueueAttributes.Defaults)
        {
            var value = settings.Get(attribute);
            if (Wants(attribute) && (value.Length > 0 || fallback.Length > 0))
            {
                result[attribute] = value;
            }
        }

        if (wanted.Any(a => a.StartsWith("ApproximateNumberOfMessages", StringComparison.Ordinal)) || all)
        {
            var counts = await queue.CountAsync();
            AddIf(result, Wants, "ApproximateNumberOfMessages", counts.Visible);
            AddIf(result, Wants, "ApproximateNumberOfMessagesNotVisible", counts.InFlight);
            AddIf(result, Wants, "ApproximateNumberOfMessagesDelayed", counts.Delayed);
        }

        AddIf(result, Wants, "CreatedTimestamp", settings.CreatedAt.ToUnixTimeSeconds());
        AddIf(result, Wants, "LastModifiedTimestamp", settings.LastModifiedAt.ToUnixTimeSeconds());
        if (Wants("QueueArn"))
        {
            result["QueueArn"] = QueueArn(name);
        }

        return result.Count == 0 ? [] : new JsonObject { ["Attributes"] = result };
    }

    private async Task<JsonObject> SetQueueAttributesAsync(AwsCall call)
    {
        var (_, queue, _) = await QueueAsync(call);
        var attributes = SqsInput.Map(call.Input, "Attributes");
        if (attributes.Count == 0)
        {
            throw SqsErrors.MissingParameter("Attribute.1.Name");
        }

        await CheckAttributesAsync(attributes);
        return await queue.SetAttributesAsync(attributes) ? [] : throw SqsErrors.NonExistentQueue();
    }

    private async Task<JsonObject> ListQueueTagsAsync(AwsCall call)
    {
        await QueueAsync(call);
        return [];
    }

    /// <summary>Checks attributes as SQS does: the name, the value, and a redrive policy's dead-letter queue.</summary>
    private async Task CheckAttributesAsync(IReadOnlyDictionary<string, string> attributes)
    {
        foreach (var (attribute, value) in attributes)
        {
            if (QueueAttributes.Problem(attribute, value) is not { } problem)
            {
                continue;
            }

            throw problem == QueueAttributes.FifoRefusal ? SqsErrors.InvalidParameterValue(problem)
                : QueueAttributes.Default(attribute) is null && attribute != QueueAttributes.FifoQueue ? SqsErrors.InvalidAttributeName(problem)
                : SqsErrors.InvalidAttributeValue(problem);
        }

        if (attributes.TryGetValue(QueueAttributes.RedrivePolicy, out var policy) && policy.Length > 0)
        {
            var arn = System.Text.Json.JsonDocument.Parse(policy).RootElement.GetProperty("deadLetterTargetArn").GetString()!;
            if (arns.ForeignArnProblem(arn) is { } foreign)
            {
                throw SqsErrors.InvalidParameterValue($"Value {policy} for parameter RedrivePolicy is invalid. Reason: {foreign}");
            }

            var (deadLetterQueue, _) = QueueAttributes.ParseRedrivePolicy(policy, out _)!.Value;
            if (await grains.GetGrain<IQueueGrain>(deadLetterQueue).GetSettingsAsync() is null)
            {
                throw SqsErrors.InvalidParameterValue($"Value {policy} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.");
            }
        }
    }

    private static void AddIf(JsonObject result, Func<string, bool> wants, string attribute, long value)
    {
        if (wants(attribute))
        {
            result[attribute] = value.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static string? FromToken(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw SqsErrors.InvalidParameterValue("Invalid NextToken value.");
        }
    }
}
