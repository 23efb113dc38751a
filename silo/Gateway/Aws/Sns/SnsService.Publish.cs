using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Orleans.AsyncInvoke.Destinations;

namespace Orleans.AsyncInvoke.Silo.Gateway.Aws.Sns;

/// <summary>
/// Publish: the message is stored as a delivery to the topic before the call is answered, so an answered publish is
/// never lost; the topic then fans it out to every subscription, each its own delivery with its own retries.
/// </summary>
internal sealed partial class SnsService
{
    private const int MaxMessageBytes = 256 * 1024;
    private const int MaxAttributes = 10;

    private async Task<JsonObject> PublishAsync(AwsCall call)
    {
        var arn = SnsErrors.Input.String(call.Input, "TopicArn") ?? SnsErrors.Input.String(call.Input, "TargetArn");
        if (arn is null && call.Input["PhoneNumber"] is not null)
        {
            throw SnsErrors.InvalidParameter("Invalid parameter: PhoneNumber Reason: SMS is not offered: publish to a topic.");
        }

        var (name, _, _) = await TopicAsync(new JsonObject { ["TopicArn"] = arn ?? "" });
        var message = Publication(call.Input);
        await grains.GetGrain<IDestinationGrain>("topic://" + name).EnqueueAsync(message);
        return new JsonObject { ["MessageId"] = message.RequestId };
    }

    private async Task<JsonObject> PublishBatchAsync(AwsCall call)
    {
        var (name, _, _) = await TopicAsync(call.Input);
        var entries = SnsErrors.Input.Objects(call.Input, "PublishBatchRequestEntries");
        if (entries.Count == 0)
        {
            throw SnsErrors.EmptyBatch();
        }

        if (entries.Count > 10)
        {
            throw SnsErrors.TooManyEntries();
        }

        var ids = entries.Select(e => SnsErrors.Input.Required(e, "Id")).ToList();
        if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Count)
        {
            throw SnsErrors.BatchEntryIdsNotDistinct();
        }

        var total = entries.Sum(e => Encoding.UTF8.GetByteCount(SnsErrors.Input.String(e, "Message") ?? ""));
        if (total > MaxMessageBytes)
        {
            throw new AwsServiceException(400, "BatchRequestTooLong", "BatchRequestTooLong", $"The length of all the messages put together is more than the limit ({MaxMessageBytes} bytes).");
        }

        var successful = new JsonArray();
        var failed = new JsonArray();
        var topic = grains.GetGrain<IDestinationGrain>("topic://" + name);
        for (var i = 0; i < entries.Count; i++)
        {
            try
            {
                var message = Publication(entries[i]);
                await topic.EnqueueAsync(message);
                successful.Add(new JsonObject { ["Id"] = ids[i], ["MessageId"] = message.RequestId });
            }
            catch (AwsServiceException ex)
            {
                failed.Add(new JsonObject { ["Id"] = ids[i], ["Code"] = ex.QueryCode, ["Message"] = ex.Message, ["SenderFault"] = true });
            }
        }

        return new JsonObject { ["Successful"] = successful, ["Failed"] = failed };
    }

    /// <summary>The delivery of one published message, its input checked as SNS checks it.</summary>
    private DestinationMessage Publication(JsonObject input)
    {
        var body = SnsErrors.Input.String(input, "Message");
        if (string.IsNullOrEmpty(body))
        {
            throw SnsErrors.InvalidParameter("Invalid parameter: Empty message");
        }

        if (Encoding.UTF8.GetByteCount(body) > MaxMessageBytes)
        {
            throw SnsErrors.InvalidParameter("Invalid parameter: Message too long");
        }

        var subject = SnsErrors.Input.String(input, "Subject");
        if (subject is { Length: 0 or > 100 })
        {
            throw SnsErrors.InvalidParameter("Invalid parameter: Subject");
        }

        if (SnsErrors.Input.String(input, "MessageStructure") is { } structure)
        {
            throw SnsErrors.InvalidParameter($"Invalid parameter: MessageStructure Reason: {AwsInput.Shown(structure)} is not supported: every subscription gets the one Message.");
        }

        if (input["MessageGroupId"] is not null || input["MessageDeduplicationId"] is not null)
        {
            throw SnsErrors.InvalidParameter("Invalid parameter: MessageGroupId and MessageDeduplicationId are for FIFO topics, which the built-in topics are not.");
        }

        var id = Guid.NewGuid().ToString("D");
        return new DestinationMessage
        {
            Id = "sns:" + id,
            Body = body,
            RequestId = id,
            Condition = "Notification",
            Publication = new TopicPublication
            {
                MessageId = id,
                Subject = subject,
                Attributes = MessageAttributes(input),
                PublishedAt = time.GetUtcNow(),
            },
        };
    }

    /// <summary><c>MessageAttributes</c>: <c>{name: {DataType, StringValue | BinaryValue}}</c>, checked as SNS checks them.</summary>
    internal static IReadOnlyDictionary<string, TypedAttribute> MessageAttributes(JsonObject input)
    {
        var attributes = new Dictionary<string, TypedAttribute>(StringComparer.Ordinal);
        if (SnsErrors.Input.Object(input, "MessageAttributes") is not { } members)
        {
            return attributes;
        }

        if (members.Count > MaxAttributes)
        {
            throw SnsErrors.InvalidParameterValue($"Number of message attributes [{members.Count}] exceeds the allowed maximum [{MaxAttributes}].");
        }

        foreach (var (name, node) in members)
        {
            if (!AttributeName().IsMatch(name) || name.StartsWith("AWS.", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Amazon.", StringComparison.OrdinalIgnoreCase))
            {
                throw SnsErrors.InvalidParameterValue($"The message attribute name '{AwsInput.Shown(name)}' is invalid: use 1-256 letters, digits, '_', '-' and '.', not starting with AWS. or Amazon.");
            }

            var value = node as JsonObject ?? throw SnsErrors.InvalidParameterValue($"The message attribute '{AwsInput.Shown(name)}' must be a structure with DataType and StringValue or BinaryValue.");
            var type = SnsErrors.Input.String(value, "DataType") ?? throw SnsErrors.InvalidParameterValue($"The message attribute '{AwsInput.Shown(name)}' must contain non-empty message attribute type.");
            var baseType = type.Split('.', 2)[0];
            var text = baseType switch
            {
                "String" or "Number" => SnsErrors.Input.String(value, "StringValue"),
                "Binary" => SnsErrors.Input.String(value, "BinaryValue"),
                _ => throw SnsErrors.InvalidParameterValue($"The message attribute '{AwsInput.Shown(name)}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."),
            };
            if (string.IsNullOrEmpty(text))
            {
                throw SnsErrors.InvalidParameterValue($"The message attribute '{AwsInput.Shown(name)}' must contain non-empty message attribute value for message attribute type '{baseType}'.");
            }

            if (baseType == "Number" && !decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                throw SnsErrors.InvalidParameterValue($"Could not cast message attribute '{AwsInput.Shown(name)}' value to number.");
            }

            if (baseType == "Binary" && !IsBase64(text))
            {
                throw SnsErrors.InvalidParameterValue($"The message attribute '{AwsInput.Shown(name)}' with type 'Binary' must be base64.");
            }

            attributes[name] = new TypedAttribute(type, text);
        }

        return attributes;
    }

    private static bool IsBase64(string text)
    {
        Span<byte> buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,256}$", RegexOptions.CultureInvariant)]
    private static partial Regex AttributeName();
}
