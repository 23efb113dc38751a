using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Destinations.Webhook;
using Orleans.AsyncInvoke.Tests.Security;

namespace Orleans.AsyncInvoke.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class AmqpAddressTests
{
    [Theory]
    [InlineData("amqp://u:p@Broker.Example:5673/prod?exchange=records&routingKey=lambda.success", false, "u", "p", "broker.example", 5673, "prod", "records", "lambda.success")]
    [InlineData("amqps://u:p@broker.example/?exchange=records", true, "u", "p", "broker.example", 5671, "/", "records", "")]
    [InlineData("amqp://broker.example?routingKey=work", false, null, null, "broker.example", 5672, "/", "", "work")]
    [InlineData("amqp://u%40corp:p%3Aw%2Fd@broker.example/%2F?exchange=a%20b&routingKey=k", false, "u@corp", "p:w/d", "broker.example", 5672, "/", "a b", "k")]
    [InlineData("amqp://u:p@[::1]:5672/v?exchange=x&routingKey=k&format=functiongraph", false, "u", "p", "::1", 5672, "v", "x", "k")]
    public void TryParse_WhenGivenAnAmqpDestination_ReadsEveryPart(string text, bool tls, string? user, string? password, string host, int port, string vhost, string exchange, string routingKey)
    {
        var address = AmqpAddress.TryParse(text);

        Assert.Equal(new AmqpAddress(tls, user, password, host, port, vhost, exchange, routingKey), address);
    }

    [Theory]
    [InlineData("amqp://u:p@broker.example/?exchange=x&routingkey=typo")]
    [InlineData("amqp://u:p@broker.example/a/b?exchange=x")]
    [InlineData("amqp:///?exchange=x")]
    [InlineData("amqp://broker.example/?exchange=x#fragment")]
    public void TryParse_WhenTheDestinationIsMalformed_RefusesIt(string text)
    {
        Assert.Null(AmqpAddress.TryParse(text));
        Assert.Null(DestinationAddress.TryParse(text));
    }

    [Fact]
    public void Destination_WhenSpelledTwoWays_IsOneTargetWhoseShownKeyHidesTheCredentials()
    {
        var a = DestinationAddress.TryParse("AMQP://user:secret@Broker.Example/?routingKey=k&exchange=x")!;
        var b = DestinationAddress.TryParse("amqp://user:secret@broker.example:5672/%2F?exchange=x&routingKey=k&format=functiongraph")!;

        Assert.Equal(DestinationKind.RabbitMq, a.Kind);
        Assert.Equal(a.Key, b.Key);
        Assert.Equal("amqp://user:secret@broker.example:5672/%2F?exchange=x&routingKey=k", a.Key);
        Assert.Equal("amqp://***:***@broker.example:5672/%2F?exchange=x&routingKey=k", a.Shown);
        Assert.DoesNotContain("secret", a.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("amqp://user:secret@broker.example/?exchange=x", "amqp://***:***@broker.example:5672/%2F?exchange=x&routingKey=")]
    [InlineData("https://user:secret@hooks.example/h", "https://***@hooks.example/h")]
    [InlineData("amqp://user:secret@broker.example/?bad=1", "amqp://***@broker.example/?bad=1")]
    [InlineData("queue://orders", "queue://orders")]
    public void Redact_WhenADestinationHoldsCredentials_ReplacesThem(string text, string shown) =>
        Assert.Equal(shown, DestinationAddress.Redact(text));

    [Theory]
    [InlineData("amqp://u:p@10.1.2.3/?exchange=x", false, true)]
    [InlineData("amqps://u:p@169.254.169.254/?exchange=x", false, true)]
    [InlineData("amqp://u:p@127.0.0.1:5672/?exchange=x", false, true)]
    [InlineData("amqp://u:p@127.0.0.1:5672/?exchange=x", true, false)]
    [InlineData("amqp://u:p@broker.example/?exchange=x", false, false)]
    public void RefusalOf_WhenTheBrokerIsALiteralInternalAddress_RefusesItAsForWebhooks(string destination, bool allowLoopback, bool refused)
    {
        var guard = OutboundAddressGuardTests.Guard(new WebhookOptions { AllowLoopback = allowLoopback });

        Assert.Equal(refused, guard.RefusalOf(destination) is not null);
    }
}
