using System.Text;
using System.Text.Json;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using RabbitMQ.Client;

namespace Orleans.AsyncInvoke.Tests.Destinations;

/// <summary>The RabbitMQ adapter against a real broker: the shared suite, what a consumer sees, refusals, and an outage.</summary>
[RequiresRabbitMq]
public sealed class RabbitMqAdapterConformanceTests(ClusterFixture fixture, RabbitMqFixture rabbit)
    : BreakableDestinationConformance<RabbitMqTarget>(fixture), IClassFixture<RabbitMqFixture>
{
    protected override async Task<RabbitMqTarget> CreateTargetAsync()
    {
        if (!rabbit.Server.IsRunning)
        {
            // A test that failed while the broker was stopped leaves it stopped; the next one starts from a running broker.
            await rabbit.Server.StartAsync();
        }

        var target = new RabbitMqTarget(rabbit.Server);
        await target.DeclareAsync();
        return target;
    }

    [ConformanceFact]
    public async Task Deliver_WhenPublished_IsPersistentJsonWithTheRequestIdAndCondition()
    {
        await using var target = await CreateTargetAsync();
        var message = Message("""{"consumer":"view"}""");

        await Grain(target.Destination).EnqueueAsync(message);

        await WaitForDeliveriesAsync(target, 1);
        var arrived = Assert.Single(target.Arrived).BasicProperties;
        Assert.Equal((message.RequestId, "application/json", DeliveryModes.Persistent), (arrived.MessageId, arrived.ContentType, arrived.DeliveryMode));
        Assert.Equal(InvocationCondition.Success, Header(arrived, "x-invocation-condition"));
        Assert.Equal(message.RequestId, Header(arrived, "x-request-id"));
    }

    [ConformanceFact]
    public async Task Deliver_WhenTraced_ShowsTheDestinationWithoutItsCredentials()
    {
        using var telemetry = new TelemetryRecorder();
        await using var target = await CreateTargetAsync();
        var message = Message("""{"traced":true}""");

        await Grain(target.Destination).EnqueueAsync(message);
        await WaitForDeliveriesAsync(target, 1);

        var shown = await Eventually.ReachAsync(
            () => Task.FromResult(telemetry.Spans.Select(s => s.GetTagItem("asyncinvoke.destination") as string).Where(d => d?.Contains(target.Exchange, StringComparison.Ordinal) == true).ToList()),
            d => d.Count > 0,
            "a delivery span of the RabbitMQ destination");
        Assert.All(shown, d => Assert.Equal($"amqp://***:***@127.0.0.1:{rabbit.Server.Port}/%2F?exchange={target.Exchange}&routingKey={RabbitMqTarget.RoutingKey}", d));
    }

    [ConformanceFact]
    public async Task Deliver_WhenTheExchangeDoesNotExist_ParksAtOnceWithTheBrokersReason()
    {
        var destination = $"{rabbit.Server.Uri}?exchange=missing-{Guid.NewGuid():N}&routingKey=r";

        await Grain(destination).EnqueueAsync(Message("""{"nowhere":true}"""));

        var parked = Assert.Single((await WaitForStatusAsync(destination, s => s.Parked.Count == 1)).Parked);
        Assert.Equal(1, parked.Attempts);
        Assert.Contains("404 NOT_FOUND", parked.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(rabbit.Server.Password, parked.LastError, StringComparison.Ordinal);
    }

    [ConformanceFact]
    public async Task Deliver_WhenThePasswordIsRefused_ParksAtOnceAndNeverShowsIt()
    {
        await using var target = await CreateTargetAsync();
        var wrong = $"wrong-{Guid.NewGuid():N}";
        var destination = target.Destination.Replace(rabbit.Server.Password, wrong, StringComparison.Ordinal);

        await Grain(destination).EnqueueAsync(Message("""{"refused":true}"""));

        var parked = Assert.Single((await WaitForStatusAsync(destination, s => s.Parked.Count == 1)).Parked);
        Assert.Equal(1, parked.Attempts);
        Assert.Contains("ACCESS_REFUSED", parked.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, parked.LastError, StringComparison.Ordinal);
    }

    [ConformanceFact]
    public async Task Deliver_WhenNoQueueIsBound_RetriesUntilOneIs()
    {
        await using var target = await CreateTargetAsync();
        var destination = target.Destination.Replace($"routingKey={RabbitMqTarget.RoutingKey}", "routingKey=unbound", StringComparison.Ordinal);

        await Grain(destination).EnqueueAsync(Message("""{"unroutable":true}"""));
        var failing = await WaitForStatusAsync(destination, s => s.DeliveryFailures >= 1);
        Assert.Equal((1, 0), (failing.Pending, failing.Parked.Count));

        await using (var connection = await rabbit.Server.ConnectAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueBindAsync(target.Queue, target.Exchange, "unbound");
        }

        Fixture.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["""{"unroutable":true}"""], await WaitForDeliveriesAsync(target, 1));
    }

    [ConformanceFact]
    public async Task Invoke_WhenTheBrokerIsDownThenBack_DeliversEveryRecord()
    {
        await using var target = await CreateTargetAsync();
        var fn = await Fixture.CreateFunctionAsync("dotnet:echo");
        await Fixture.Invoker.PutEventInvokeConfigAsync(fn, new EventInvokeConfigInput { OnSuccess = target.Destination, HasDestinationConfig = true });
        await target.BreakAsync();

        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await Fixture.Invoker.InvokeEventAsync(fn, Encoding.UTF8.GetBytes($$"""{"n":{{i}}}""")));
        }

        var failing = await WaitForStatusAsync(target.Destination, s => s.DeliveryFailures >= 3);
        Assert.Equal(3, failing.Pending);
        await target.HealAsync();
        Fixture.Time.Advance(TimeSpan.FromSeconds(2));

        var records = await WaitForDeliveriesAsync(target, 3);
        var delivered = records.Select(r =>
        {
            using var record = JsonDocument.Parse(r);
            var context = record.RootElement.GetProperty("requestContext");
            Assert.Equal("Success", context.GetProperty("condition").GetString());
            return (Id: context.GetProperty("requestId").GetString(), Payload: record.RootElement.GetProperty("requestPayload").GetRawText());
        }).OrderBy(r => r.Payload, StringComparer.Ordinal).ToList();
        Assert.Equal(ids, delivered.Select(d => d.Id));
        Assert.Equal(["""{"n":0}""", """{"n":1}""", """{"n":2}"""], delivered.Select(d => d.Payload));
        var status = await WaitForStatusAsync(target.Destination, s => s.Pending == 0);
        Assert.Empty(status.Parked);
    }

    private static string? Header(IReadOnlyBasicProperties properties, string name) =>
        properties.Headers?.TryGetValue(name, out var value) == true && value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : null;
}
