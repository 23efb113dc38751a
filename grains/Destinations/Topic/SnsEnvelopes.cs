using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Orleans.AsyncInvoke.Topics;

namespace Orleans.AsyncInvoke.Destinations.Topic;

/// <summary>One message as SNS notifies it: what every envelope of one fan-out shares.</summary>
/// <param name="MessageId">SNS's message id: the publisher's, or one derived from the record's delivery id, so a repeated fan-out repeats it.</param>
/// <param name="TopicArn">The topic's ARN.</param>
/// <param name="Subject">The subject, or <c>null</c>.</param>
/// <param name="Message">The message text (a record's JSON).</param>
/// <param name="Timestamp">When it was published.</param>
/// <param name="Attributes">Message attributes by name.</param>
public sealed record SnsNotification(
    string MessageId,
    string TopicArn,
    string? Subject,
    string Message,
    DateTimeOffset Timestamp,
    IReadOnlyDictionary<string, TypedAttribute> Attributes)
{
    /// <summary>
    /// The notification of <paramref name="message"/>: a publication's own id, subject and attributes, or for a record
    /// (or a dead-letter event, whose <c>RequestID</c>/<c>ErrorCode</c>/<c>ErrorMessage</c> become attributes as Lambda
    /// sends them) an id derived from the message.
    /// </summary>
    public static SnsNotification Of(DestinationMessage message, string topicArn, DateTimeOffset now)
    {
        if (message.Publication is { } published)
        {
            return new(published.MessageId, topicArn, published.Subject, message.Body, published.PublishedAt, published.Attributes);
        }

        var id = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{topicArn}\n{message.Id}")).AsSpan(0, 16)).ToString("D");
        var attributes = message.Attributes.ToDictionary(
            a => a.Key,
            a => new TypedAttribute(a.Key == "ErrorCode" ? "Number" : "String", a.Value),
            StringComparer.Ordinal);
        return new(id, topicArn, null, message.Body, now, attributes);
    }
}

/// <summary>
/// SNS's delivery shapes: the <c>Notification</c> JSON queues and webhooks receive, and the <c>aws:sns</c> event a
/// function is invoked with. The runtime holds no signing key: <c>Signature</c> is a digest of the message, not an
/// RSA signature a subscriber could verify, and the certificate URL names AWS's as SNS would.
/// </summary>
public static class SnsEnvelopes
{
    /// <summary>The <c>Notification</c> JSON document.</summary>
    public static string Notification(SnsNotification n, string subscriptionArn, string region) => Write(w =>
    {
        WriteNotification(w, n, subscriptionArn, region, lambdaNames: false);
    });

    /// <summary>The <c>{"Records":[{"EventSource":"aws:sns",…,"Sns":{…}}]}</c> event of a function subscription.</summary>
    public static string LambdaEvent(SnsNotification n, string subscriptionArn, string region) => Write(w =>
    {
        w.WriteStartArray("Records");
        w.WriteStartObject();
        w.WriteString("EventSource", "aws:sns");
        w.WriteString("EventVersion", "1.0");
        w.WriteString("EventSubscriptionArn", subscriptionArn);
        w.WriteStartObject("Sns");
        WriteNotification(w, n, subscriptionArn, region, lambdaNames: true);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    });

    /// <summary>The headers of an HTTP(S) delivery.</summary>
    public static IReadOnlyDictionary<string, string> Headers(SnsNotification n, string subscriptionArn, bool raw)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["x-amz-sns-message-type"] = "Notification",
            ["x-amz-sns-message-id"] = n.MessageId,
            ["x-amz-sns-topic-arn"] = n.TopicArn,
            ["x-amz-sns-subscription-arn"] = subscriptionArn,
        };
        if (raw)
        {
            headers["x-amz-sns-rawdelivery"] = "true";
        }

        return headers;
    }

    /// <summary>SNS's timestamp: UTC with milliseconds.</summary>
    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void WriteNotification(Utf8JsonWriter w, SnsNotification n, string subscriptionArn, string region, bool lambdaNames)
    {
        // Lambda's event spells the URLs "Url" and always carries Subject; the HTTP/SQS document spells them "URL"
        // and leaves out a Subject that was not given.
        if (lambdaNames)
        {
            w.WriteString("SignatureVersion", "1");
            w.WriteString("Timestamp", Timestamp(n.Timestamp));
            w.WriteString("Signature", Signature(n));
            w.WriteString("SigningCertUrl", CertificateUrl(region));
            w.WriteString("MessageId", n.MessageId);
            w.WriteString("Message", n.Message);
            WriteAttributes(w, n);
            w.WriteString("Type", "Notification");
            w.WriteString("UnsubscribeUrl", UnsubscribeUrl(region, subscriptionArn));
            w.WriteString("TopicArn", n.TopicArn);
            if (n.Subject is null)
            {
                w.WriteNull("Subject");
            }
            else
            {
                w.WriteString("Subject", n.Subject);
            }

            return;
        }

        w.WriteString("Type", "Notification");
        w.WriteString("MessageId", n.MessageId);
        w.WriteString("TopicArn", n.TopicArn);
        if (n.Subject is not null)
        {
            w.WriteString("Subject", n.Subject);
        }

        w.WriteString("Message", n.Message);
        w.WriteString("Timestamp", Timestamp(n.Timestamp));
        w.WriteString("SignatureVersion", "1");
        w.WriteString("Signature", Signature(n));
        w.WriteString("SigningCertURL", CertificateUrl(region));
        w.WriteString("UnsubscribeURL", UnsubscribeUrl(region, subscriptionArn));
        if (n.Attributes.Count > 0)
        {
            WriteAttributes(w, n);
        }
    }

    private static void WriteAttributes(Utf8JsonWriter w, SnsNotification n)
    {
        w.WriteStartObject("MessageAttributes");
        foreach (var (name, attribute) in n.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject(name);
            w.WriteString("Type", attribute.DataType);
            w.WriteString("Value", attribute.Value);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static string Signature(SnsNotification n) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes($"{n.MessageId}\n{n.TopicArn}\n{n.Message}")));

    private static string CertificateUrl(string region) => $"https://sns.{region}.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem";

    private static string UnsubscribeUrl(string region, string subscriptionArn) =>
        $"https://sns.{region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={Uri.EscapeDataString(subscriptionArn)}";

    private static string Write(Action<Utf8JsonWriter> members)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, ReadableJson.Writer))
        {
            w.WriteStartObject();
            members(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
