using Orleans.AsyncInvoke.Destinations;

namespace Orleans.AsyncInvoke.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class DestinationAddressTests
{
    [Theory]
    [InlineData("queue://orders", DestinationKind.Queue, "orders", null)]
    [InlineData("arn:aws:sqs:us-east-1:000000000000:orders", DestinationKind.Queue, "orders", null)]
    [InlineData("topic://alerts", DestinationKind.Topic, "alerts", null)]
    [InlineData("arn:aws:sns:eu-west-1:123456789012:alerts", DestinationKind.Topic, "alerts", null)]
    [InlineData("function://next:live", DestinationKind.Function, "next", "live")]
    [InlineData("arn:aws:lambda:us-east-1:000000000000:function:next", DestinationKind.Function, "next", null)]
    [InlineData("arn:aws:lambda:us-east-1:000000000000:function:next:$LATEST", DestinationKind.Function, "next", "$LATEST")]
    [InlineData("eventbus://default", DestinationKind.EventBus, "default", null)]
    [InlineData("arn:aws:events:us-east-1:000000000000:event-bus/default", DestinationKind.EventBus, "default", null)]
    [InlineData("arn:aws:s3:::my-bucket", DestinationKind.Bucket, "my-bucket", null)]
    [InlineData("queue://orders?format=functiongraph", DestinationKind.Queue, "orders", null)]
    public void TryParse_WhenGivenAnyKind_RecognisesIt(string text, DestinationKind kind, string name, string? qualifier)
    {
        var address = DestinationAddress.TryParse(text);

        Assert.NotNull(address);
        Assert.Equal((kind, name, qualifier, text), (address.Kind, address.Name, address.Qualifier, address.Original));
    }

    [Theory]
    [InlineData("queue://orders", "queue://orders")]
    [InlineData("arn:aws:sqs:us-east-1:000000000000:orders", "queue://orders")]
    [InlineData("arn:aws:sqs:eu-west-1:123456789012:orders", "queue://orders")]
    [InlineData("queue://orders?format=functiongraph", "queue://orders")]
    [InlineData("arn:aws:sns:eu-west-1:123456789012:alerts", "topic://alerts")]
    [InlineData("arn:aws:events:us-east-1:000000000000:event-bus/default", "eventbus://default")]
    [InlineData("arn:aws:lambda:us-east-1:000000000000:function:next", "function://next")]
    [InlineData("arn:aws:lambda:us-east-1:000000000000:function:next:$LATEST", "function://next")]
    [InlineData("function://next:live", "function://next:live")]
    [InlineData("arn:aws:s3:::my-bucket", "arn:aws:s3:::my-bucket")]
    [InlineData("HTTP://Example.COM:80/hook", "http://example.com/hook")]
    public void KeyOf_WhenGivenAnySpellingOfATarget_ReturnsOneKey(string text, string key) =>
        Assert.Equal(key, DestinationAddress.KeyOf(text));

    [Fact]
    public void TryParse_WhenGivenAnHttpUrl_TakesItAsAWebhook()
    {
        var address = DestinationAddress.TryParse("https://hooks.example.com/a?b=c");

        Assert.Equal(DestinationKind.Webhook, address!.Kind);
        Assert.Equal("https://hooks.example.com/a?b=c", address.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("orders")]
    [InlineData("queue://")]
    [InlineData("queue://bad name")]
    [InlineData("function://bad name")]
    [InlineData("arn:aws:dynamodb:us-east-1:000000000000:table/t")]
    [InlineData("arn:aws:lambda:us-east-1:000000000000:layer:x")]
    [InlineData("ftp://example.com/file")]
    [InlineData("arn:aws")]
    public void TryParse_WhenGivenAnUndeliverableAddress_RefusesIt(string text) => Assert.Null(DestinationAddress.TryParse(text));
}
