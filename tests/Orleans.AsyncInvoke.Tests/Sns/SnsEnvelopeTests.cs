using System.Text.Json;
using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Destinations.Topic;

namespace Orleans.AsyncInvoke.Tests.Sns;

/// <summary>SNS's delivery shapes: the Notification document, the aws:sns Lambda event and the HTTP headers.</summary>
public sealed class SnsEnvelopeTests
{
    private const string TopicArn = "arn:aws:sns:us-east-1:000000000000:orders";
    private const string SubscriptionArn = TopicArn + ":5f2b2c34-1d6e-4c55-9d43-1b0c8a3a9c11";
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    private static SnsNotification Published(string? subject = "hi") => new("m-1", TopicArn, subject, "{\"a\":1}", At,
        new Dictionary<string, TypedAttribute> { ["kind"] = new("String", "order"), ["n"] = new("Number", "3") });

    [Fact]
    public void Notification_WhenPublishedWithSubjectAndAttributes_HasSnsFields()
    {
        using var document = JsonDocument.Parse(SnsEnvelopes.Notification(Published(), SubscriptionArn, "us-east-1"));
        var root = document.RootElement;

        Assert.Equal(["Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion", "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Notification", root.GetProperty("Type").GetString());
        Assert.Equal("{\"a\":1}", root.GetProperty("Message").GetString());
        Assert.Equal("2026-01-02T03:04:05.678Z", root.GetProperty("Timestamp").GetString());
        Assert.Equal("https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + Uri.EscapeDataString(SubscriptionArn), root.GetProperty("UnsubscribeURL").GetString());
        Assert.Equal("Number", root.GetProperty("MessageAttributes").GetProperty("n").GetProperty("Type").GetString());
        Assert.Equal("3", root.GetProperty("MessageAttributes").GetProperty("n").GetProperty("Value").GetString());
    }

    [Fact]
    public void Notification_WhenNoSubjectNorAttributes_LeavesThemOut()
    {
        var n = Published(subject: null) with { Attributes = new Dictionary<string, TypedAttribute>() };

        using var document = JsonDocument.Parse(SnsEnvelopes.Notification(n, SubscriptionArn, "us-east-1"));

        Assert.False(document.RootElement.TryGetProperty("Subject", out _));
        Assert.False(document.RootElement.TryGetProperty("MessageAttributes", out _));
    }

    [Fact]
    public void LambdaEvent_WhenBuilt_IsOneAwsSnsRecordWithLambdaSpellings()
    {
        using var document = JsonDocument.Parse(SnsEnvelopes.LambdaEvent(Published(subject: null), SubscriptionArn, "us-east-1"));
        var record = Assert.Single(document.RootElement.GetProperty("Records").EnumerateArray().ToList());

        Assert.Equal("aws:sns", record.GetProperty("EventSource").GetString());
        Assert.Equal("1.0", record.GetProperty("EventVersion").GetString());
        Assert.Equal(SubscriptionArn, record.GetProperty("EventSubscriptionArn").GetString());
        var sns = record.GetProperty("Sns");
        Assert.Equal(JsonValueKind.Null, sns.GetProperty("Subject").ValueKind);
        Assert.True(sns.TryGetProperty("SigningCertUrl", out _));
        Assert.True(sns.TryGetProperty("UnsubscribeUrl", out _));
        Assert.Equal("order", sns.GetProperty("MessageAttributes").GetProperty("kind").GetProperty("Value").GetString());
    }

    [Fact]
    public void Headers_WhenRaw_NameTheMessageTopicAndSubscription()
    {
        var headers = SnsEnvelopes.Headers(Published(), SubscriptionArn, raw: true);

        Assert.Equal("Notification", headers["x-amz-sns-message-type"]);
        Assert.Equal("m-1", headers["x-amz-sns-message-id"]);
        Assert.Equal(TopicArn, headers["x-amz-sns-topic-arn"]);
        Assert.Equal(SubscriptionArn, headers["x-amz-sns-subscription-arn"]);
        Assert.Equal("true", headers["x-amz-sns-rawdelivery"]);
    }

    [Fact]
    public void Of_WhenARecordIsFannedOutTwice_DerivesTheSameMessageId()
    {
        var record = new DestinationMessage { Id = "req-1:success", Body = "{}", RequestId = "req-1", Condition = "Success" };

        var first = SnsNotification.Of(record, TopicArn, At);
        var again = SnsNotification.Of(record, TopicArn, At.AddMinutes(1));

        Assert.Equal(first.MessageId, again.MessageId);
        Assert.True(Guid.TryParse(first.MessageId, out _), $"expected a GUID, got {first.MessageId}");
        Assert.Null(first.Subject);
    }

    [Fact]
    public void Of_WhenADeadLetterEvent_CarriesItsAttributesWithErrorCodeAsNumber()
    {
        var dead = new DestinationMessage
        {
            Id = "req-1:dlq", Body = "{\"raw\":1}", RequestId = "req-1", Condition = "RetriesExhausted",
            Attributes = new Dictionary<string, string> { ["RequestID"] = "req-1", ["ErrorCode"] = "200", ["ErrorMessage"] = "boom" },
        };

        var n = SnsNotification.Of(dead, TopicArn, At);

        Assert.Equal(new TypedAttribute("Number", "200"), n.Attributes["ErrorCode"]);
        Assert.Equal(new TypedAttribute("String", "req-1"), n.Attributes["RequestID"]);
    }
}
