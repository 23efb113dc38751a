using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Destinations;

/// <summary>Setting a RabbitMQ destination: the outbound guard applies, and a refusal never repeats the password.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class RabbitMqDestinationConfigTests(ClusterFixture fixture)
{
    [Fact]
    public async Task PutEventInvokeConfig_WhenTheBrokerIsAnInternalAddress_RefusesItWithoutTheCredentials()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");
        var destination = "amqp://publisher:hunter2@10.20.30.40:5672/?exchange=records&routingKey=k";

        var error = await Assert.ThrowsAsync<AsyncInvokeException>(() =>
            fixture.Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { OnSuccess = destination, HasDestinationConfig = true }));

        Assert.Equal(ErrorCodes.InvalidParameterValue, error.ErrorCode);
        Assert.Contains("amqp://***:***@10.20.30.40:5672/", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutEventInvokeConfig_WhenTheDestinationIsMalformed_RefusesItWithoutTheCredentials()
    {
        var fn = await fixture.CreateFunctionAsync("dotnet:echo");

        var error = await Assert.ThrowsAsync<AsyncInvokeException>(() =>
            fixture.Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { OnSuccess = "amqp://publisher:hunter2@broker.example/?exchnge=typo", HasDestinationConfig = true }));

        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }
}
