using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Orleans.AsyncInvoke.Queues;

namespace Orleans.AsyncInvoke.Silo.Gateway.Aws.Sqs;

/// <summary>The batch operations: up to ten entries, each answered in <c>Successful</c> or <c>Failed</c>.</summary>
internal sealed partial class SqsService
{
    private const int MaxBatchEntries = 10;
    private const int MaxBatchBytes = 1_048_576;

    private async Task<JsonObject> SendMessageBatchAsync(AwsCall call)
    {
        var (_, queue, settings) = await QueueAsync(call);
        var entries = Entries(call.Input);
        var total = entries.Sum(e => Encoding.UTF8.GetByteCount(SqsInput.String(e.Entry, "MessageBody") ?? ""));
        if (total > MaxBatchBytes)
        {
            throw SqsErrors.BatchRequestTooLong(total, MaxBatchBytes);
        }

        var failed = new JsonArray();
        var accepted = new List<(string Id, QueueSend Send, IReadOnlyList<SqsMessageAttribute> Attributes)>();
        foreach (var (id, entry) in entries)
        {
            try
            {
                var (send, attributes) = ReadSend(call, entry, settings);
                accepted.Add((id, send, attributes));
            }
            catch (AwsServiceException ex)
            {
                failed.Add(Failure(id, ex));
            }
        }

        var ids = accepted.Count == 0 ? [] : await queue.SendBatchAsync([.. accepted.Select(a => a.Send)]);
        var successful = new JsonArray([.. accepted.Select((a, i) => (JsonNode)Sent(new JsonObject { ["Id"] = a.Id, ["MessageId"] = ids[i] }, a.Send.Body, a.Attributes))]);
        return new JsonObject { ["Successful"] = successful, ["Failed"] = failed };
    }

    private async Task<JsonObject> DeleteMessageBatchAsync(AwsCall call)
    {
        var (_, queue, _) = await QueueAsync(call);
        var successful = new JsonArray();
        var failed = new JsonArray();
        foreach (var (id, entry) in Entries(call.Input))
        {
            var handle = SqsInput.String(entry, "ReceiptHandle");
            if (string.IsNullOrEmpty(handle) || !ReceiptPattern().IsMatch(handle))
            {
                failed.Add(Failure(id, SqsErrors.ReceiptHandleIsInvalid(handle ?? "")));
                continue;
            }

            await queue.DeleteAsync(handle);
            successful.Add(new JsonObject { ["Id"] = id });
        }

        return new JsonObject { ["Successful"] = successful, ["Failed"] = failed };
    }

    private async Task<JsonObject> ChangeMessageVisibilityBatchAsync(AwsCall call)
    {
        var (_, queue, _) = await QueueAsync(call);
        var successful = new JsonArray();
        var failed = new JsonArray();
        foreach (var (id, entry) in Entries(call.Input))
        {
            try
            {
                var timeout = SqsInput.Int(entry, "VisibilityTimeout", 0, 43_200) ?? throw SqsErrors.MissingParameter("VisibilityTimeout");
                if (await ChangeVisibilityAsync(queue, SqsInput.String(entry, "ReceiptHandle") ?? "", timeout) is { } error)
                {
                    throw error;
                }

                successful.Add(new JsonObject { ["Id"] = id });
            }
            catch (AwsServiceException ex)
            {
                failed.Add(Failure(id, ex));
            }
        }

        return new JsonObject { ["Successful"] = successful, ["Failed"] = failed };
    }

    /// <summary>The entries of a batch, checked as a whole: present, at most ten, ids valid and distinct.</summary>
    private static IReadOnlyList<(string Id, JsonObject Entry)> Entries(JsonObject input)
    {
        var entries = SqsInput.Objects(input, "Entries");
        if (entries.Count == 0)
        {
            throw SqsErrors.EmptyBatchRequest();
        }

        if (entries.Count > MaxBatchEntries)
        {
            throw SqsErrors.TooManyEntriesInBatchRequest(entries.Count);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<(string, JsonObject)>(entries.Count);
        foreach (var entry in entries)
        {
            var id = SqsInput.String(entry, "Id") ?? throw SqsErrors.MissingParameter("Id");
            if (!BatchEntryId().IsMatch(id))
            {
                throw SqsErrors.InvalidBatchEntryId(id);
            }

            if (!seen.Add(id))
            {
                throw SqsErrors.BatchEntryIdsNotDistinct(id);
            }

            result.Add((id, entry));
        }

        return result;
    }

    private static JsonObject Failure(string id, AwsServiceException error) => new()
    {
        ["Id"] = id,
        ["SenderFault"] = error.Fault == "Sender",
        ["Code"] = error.QueryCode,
        ["Message"] = error.Message,
    };

    [GeneratedRegex("^[A-Za-z0-9_-]{1,80}$", RegexOptions.CultureInvariant)]
    private static partial Regex BatchEntryId();
}
