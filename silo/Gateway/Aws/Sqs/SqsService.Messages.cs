using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Orleans.AsyncInvoke.Queues;
using Orleans.AsyncInvoke.Silo.Security;

namespace Orleans.AsyncInvoke.Silo.Gateway.Aws.Sqs;

/// <summary>The message operations: send, receive (with long polling), delete, change visibility.</summary>
internal sealed partial class SqsService
{
    private static readonly string[] SystemAttributes = ["SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp"];

    private async Task<JsonObject> SendMessageAsync(AwsCall call)
    {
        var (_, queue, settings) = await QueueAsync(call);
        var (send, attributes) = ReadSend(call, call.Input, settings);
        var id = (await queue.SendBatchAsync([send]))[0];
        return Sent(new JsonObject { ["MessageId"] = id }, send.Body, attributes);
    }

    private async Task<JsonObject> ReceiveMessageAsync(AwsCall call)
    {
        var (_, queue, settings) = await QueueAsync(call);
        var input = call.Input;
        var max = SqsInput.Int(input, "MaxNumberOfMessages", 1, 10) ?? 1;
        var visibility = SqsInput.Int(input, "VisibilityTimeout", 0, 43_200);
        var wait = SqsInput.Int(input, "WaitTimeSeconds", 0, 20) is { } seconds ? TimeSpan.FromSeconds(seconds) : settings.ReceiveWaitTime;
        var systemNames = SqsInput.Strings(input, "AttributeNames").Concat(SqsInput.Strings(input, "MessageSystemAttributeNames")).ToList();
        var attributeNames = SqsInput.Strings(input, "MessageAttributeNames");

        // Long polling without polling: between receives the call waits on the queue grain, which answers when a
        // message is sent or a hidden one becomes visible.
        var deadline = time.GetTimestamp();
        IReadOnlyList<QueueMessage> messages;
        while (true)
        {
            messages = await queue.ReceiveMessagesAsync(max, visibility is { } v ? TimeSpan.FromSeconds(v) : null);
            var left = wait - time.GetElapsedTime(deadline);
            if (messages.Count > 0 || left <= TimeSpan.Zero)
            {
                break;
            }

            await queue.WaitForMessageAsync(left).WaitAsync(call.Http.RequestAborted);
        }

        if (messages.Count == 0)
        {
            return [];
        }

        return new JsonObject { ["Messages"] = new JsonArray([.. messages.Select(m => (JsonNode)Received(m, systemNames, attributeNames))]) };
    }

    private async Task<JsonObject> DeleteMessageAsync(AwsCall call)
    {
        var (_, queue, _) = await QueueAsync(call);
        var handle = SqsInput.Required(call.Input, "ReceiptHandle");
        if (!ReceiptPattern().IsMatch(handle))
        {
            throw SqsErrors.ReceiptHandleIsInvalid(handle);
        }

        // As SQS does: a well-formed receipt of a message deleted already, or received again since, deletes nothing
        // and is no error.
        await queue.DeleteAsync(handle);
        return [];
    }

    private async Task<JsonObject> ChangeMessageVisibilityAsync(AwsCall call)
    {
        var (_, queue, _) = await QueueAsync(call);
        var handle = SqsInput.Required(call.Input, "ReceiptHandle");
        var timeout = SqsInput.Int(call.Input, "VisibilityTimeout", 0, 43_200) ?? throw SqsErrors.MissingParameter("VisibilityTimeout");
        if (await ChangeVisibilityAsync(queue, handle, timeout) is { } error)
        {
            throw error;
        }

        return [];
    }

    private static async Task<AwsServiceException?> ChangeVisibilityAsync(IQueueGrain queue, string handle, int timeout)
    {
        if (!ReceiptPattern().IsMatch(handle))
        {
            return SqsErrors.ReceiptHandleIsInvalid(handle);
        }

        return await queue.ChangeVisibilityAsync(handle, TimeSpan.FromSeconds(timeout)) switch
        {
            VisibilityChange.Changed => null,
            VisibilityChange.NotInFlight => SqsErrors.MessageNotInflight(),
            _ => SqsErrors.InvalidParameterValue($"Value {SqsErrors.Shown(handle)} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change."),
        };
    }

    /// <summary>Reads and checks one message to send (a <c>SendMessage</c> input or a batch entry).</summary>
    private (QueueSend Send, IReadOnlyList<SqsMessageAttribute> Attributes) ReadSend(AwsCall call, JsonObject input, QueueSettings settings)
    {
        var body = SqsInput.String(input, "MessageBody");
        if (string.IsNullOrEmpty(body))
        {
            throw body is null ? SqsErrors.MissingParameter("MessageBody") : SqsErrors.InvalidParameterValue("The request must contain the parameter MessageBody.");
        }

        if (SqsMessageBody.InvalidCharacter(body) is { } bad)
        {
            throw SqsErrors.InvalidMessageContents($"Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF (found U+{bad:X4}).");
        }

        if (input["MessageGroupId"] is not null || input["MessageDeduplicationId"] is not null)
        {
            throw SqsErrors.InvalidParameterValue("The request include parameter that is not valid for this queue type: MessageGroupId and MessageDeduplicationId are for FIFO queues, which the built-in queues are not.");
        }

        var delay = SqsInput.Int(input, "DelaySeconds", 0, 900);
        var attributes = SqsMessageAttribute.Parse(input);
        var size = Encoding.UTF8.GetByteCount(body) + attributes.Sum(a => a.Size);
        if (size > settings.MaximumMessageSize)
        {
            throw SqsErrors.InvalidParameterValue($"One or more parameters are invalid. Reason: Message must be shorter than {settings.MaximumMessageSize} bytes.");
        }

        var values = attributes.ToDictionary(a => a.Name, a => a.IsBinary ? Convert.ToBase64String(a.BinaryValue!) : a.StringValue!, StringComparer.Ordinal);
        var types = attributes.Where(a => a.DataType != "String").ToDictionary(a => a.Name, a => a.DataType, StringComparer.Ordinal);
        var sender = call.Http.Features.Get<Principal>() is { } principal && principal != Principal.Anonymous ? principal.Name : _account;
        return (new QueueSend(body, values)
        {
            AttributeTypes = types.Count > 0 ? types : null,
            Delay = delay is { } d ? TimeSpan.FromSeconds(d) : null,
            SenderId = sender,
        }, attributes);
    }

    private static JsonObject Sent(JsonObject output, string body, IReadOnlyList<SqsMessageAttribute> attributes)
    {
        output["MD5OfMessageBody"] = SqsMd5.OfBody(body);
        if (SqsMd5.OfAttributes(attributes) is { } digest)
        {
            output["MD5OfMessageAttributes"] = digest;
        }

        return output;
    }

    private JsonObject Received(QueueMessage message, IReadOnlyList<string> systemNames, IReadOnlyList<string> attributeNames)
    {
        var output = new JsonObject
        {
            ["MessageId"] = message.MessageId,
            ["ReceiptHandle"] = message.ReceiptHandle,
            ["MD5OfBody"] = SqsMd5.OfBody(message.Body),
            ["Body"] = message.Body,
        };
        var system = new JsonObject();
        foreach (var name in SystemAttributes.Where(n => systemNames.Contains("All") || systemNames.Contains(n)))
        {
            system[name] = name switch
            {
                "SenderId" => message.SenderId ?? _account,
                "SentTimestamp" => message.SentAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
                "ApproximateReceiveCount" => message.ReceiveCount.ToString(CultureInfo.InvariantCulture),
                _ => message.FirstReceivedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            };
        }

        if (system.Count > 0)
        {
            output["Attributes"] = system;
        }

        var attributes = SqsMessageAttribute.Select(SqsMessageAttribute.Of(message), attributeNames);
        if (SqsMd5.OfAttributes(attributes) is { } digest)
        {
            output["MD5OfMessageAttributes"] = digest;
            var map = new JsonObject();
            foreach (var attribute in attributes)
            {
                map[attribute.Name] = attribute.ToJson();
            }

            output["MessageAttributes"] = map;
        }

        return output;
    }

    /// <summary>What a receive hands out: the message id, the receive count and a random part.</summary>
    [GeneratedRegex(@"^[^\s]{1,300}\.[0-9]{1,10}\.[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex ReceiptPattern();
}
