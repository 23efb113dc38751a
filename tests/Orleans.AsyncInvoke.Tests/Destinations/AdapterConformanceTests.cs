using System.Net;
using System.Text.Json;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Destinations;

public sealed class QueueAdapterConformanceTests(ClusterFixture fixture) : DestinationConformance<QueueAdapterConformanceTests.QueueTarget>(fixture)
{
    protected override Task<QueueTarget> CreateTargetAsync() => Task.FromResult(new QueueTarget(Fixture, $"q-{Guid.NewGuid():N}"));

    public sealed class QueueTarget(ClusterFixture fixture, string name) : IConformanceTarget
    {
        private readonly List<string> _bodies = [];

        public string Destination => $"queue://{name}";

        public async Task<IReadOnlyList<string>> DeliveredAsync()
        {
            foreach (var message in await fixture.Invoker.ReceiveMessagesAsync(name, max: 10))
            {
                _bodies.Add(message.Body);
                await fixture.Invoker.DeleteMessageAsync(name, message.ReceiptHandle);
            }

            return [.. _bodies];
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

public sealed class WebhookAdapterConformanceTests(ClusterFixture fixture) : BreakableDestinationConformance<WebhookAdapterConformanceTests.WebhookTarget>(fixture)
{
    protected override Task<WebhookTarget> CreateTargetAsync() => Task.FromResult(new WebhookTarget());

    public sealed class WebhookTarget : IBreakableTarget
    {
        private readonly List<string> _bodies = [];
        private readonly FunctionServer _server;
        private volatile bool _broken;

        public WebhookTarget() => _server = new FunctionServer(async (c, body) =>
        {
            if (_broken)
            {
                await FunctionServer.ReplyAsync(c, 500, "down");
                return;
            }

            lock (_bodies)
            {
                _bodies.Add(body);
            }

            await FunctionServer.ReplyAsync(c, 200, "{}");
        });

        public string Destination => $"{_server.Url}hook";

        public Task<IReadOnlyList<string>> DeliveredAsync()
        {
            lock (_bodies)
            {
                return Task.FromResult<IReadOnlyList<string>>([.. _bodies]);
            }
        }

        public Task BreakAsync()
        {
            _broken = true;
            return Task.CompletedTask;
        }

        public Task HealAsync()
        {
            _broken = false;
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }
}

public sealed class FunctionAdapterConformanceTests(ClusterFixture fixture) : DestinationConformance<FunctionAdapterConformanceTests.FunctionTarget>(fixture)
{
    protected override async Task<FunctionTarget> CreateTargetAsync()
    {
        var target = new FunctionTarget(Fixture, $"sink-{Guid.NewGuid():N}");
        await target.CreateAsync();
        return target;
    }

    [Fact]
    public async Task Deliver_WhenAnArrivedMessageIsSentAgain_StartsNoSecondInvocation()
    {
        await using var target = await CreateTargetAsync();
        var message = Message("""{"once":true}""");

        await Grain(target.Destination).EnqueueAsync(message);
        await WaitForDeliveriesAsync(target, 1);
        await Grain(target.Destination).EnqueueAsync(message);
        await Grain(target.Destination).EnqueueAsync(Message("""{"second":true}"""));

        Assert.Equal(["""{"once":true}""", """{"second":true}"""], await WaitForDeliveriesAsync(target, 2));
    }

    /// <summary>
    /// A function receiving records. A missing function is a permanent refusal, not an outage: it parks at once
    /// (<c>DeliveryFailureTests</c>), so this target has no retrying failure mode.
    /// </summary>
    public sealed class FunctionTarget(ClusterFixture fixture, string name) : IConformanceTarget
    {
        public string Destination => $"function://{name}";

        public async Task<IReadOnlyList<string>> DeliveredAsync()
        {
            var accepted = fixture.Events.All().Where(e => e.Kind == InvocationEventKind.Accepted && e.FunctionName == name).ToList();
            var bodies = new List<string>();
            foreach (var e in accepted)
            {
                var status = await fixture.Invoker.GetInvocationAsync(e.RequestId);
                if (status?.Record is { } record)
                {
                    using var json = JsonDocument.Parse(record);
                    bodies.Add(json.RootElement.GetProperty("requestPayload").GetRawText());
                }
            }

            return bodies.Count == accepted.Count ? bodies : [];
        }

        public Task CreateAsync() => fixture.Invoker.PutFunctionAsync(name, new FunctionDefinitionInput { Target = "dotnet:echo" });

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

public sealed class TopicAdapterConformanceTests(ClusterFixture fixture) : DestinationConformance<TopicAdapterConformanceTests.TopicTarget>(fixture)
{
    protected override async Task<TopicTarget> CreateTargetAsync()
    {
        var target = new TopicTarget(Fixture, $"t-{Guid.NewGuid():N}", $"sub-{Guid.NewGuid():N}");
        await Fixture.Invoker.SubscribeAsync(target.Topic, $"queue://{target.Queue}");
        return target;
    }

    /// <summary>A topic with one queue subscription; what reaches the queue is what the topic delivered.</summary>
    public sealed class TopicTarget(ClusterFixture fixture, string topic, string queue) : IConformanceTarget
    {
        private readonly QueueAdapterConformanceTests.QueueTarget _queue = new(fixture, queue);

        public string Topic => topic;

        public string Queue => queue;

        public string Destination => $"topic://{topic}";

        public Task<IReadOnlyList<string>> DeliveredAsync() => _queue.DeliveredAsync();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

public sealed class EventBusAdapterConformanceTests(ClusterFixture fixture) : DestinationConformance<EventBusAdapterConformanceTests.BusTarget>(fixture)
{
    protected override async Task<BusTarget> CreateTargetAsync()
    {
        var target = new BusTarget(Fixture, $"bus-{Guid.NewGuid():N}", $"ruled-{Guid.NewGuid():N}");
        await Fixture.Invoker.PutEventRuleAsync(target.Bus, new Topics.EventRule { Name = "everything", EventPattern = """{"source":["lambda"]}""", Targets = [$"queue://{target.Queue}"] });
        return target;
    }

    /// <summary>A bus whose one rule matches everything into a queue; what arrived is the envelopes' <c>detail</c>.</summary>
    public sealed class BusTarget(ClusterFixture fixture, string bus, string queue) : IConformanceTarget
    {
        private readonly QueueAdapterConformanceTests.QueueTarget _queue = new(fixture, queue);

        public string Bus => bus;

        public string Queue => queue;

        public string Destination => $"eventbus://{bus}";

        public async Task<IReadOnlyList<string>> DeliveredAsync() =>
            [.. (await _queue.DeliveredAsync()).Select(envelope =>
            {
                using var json = JsonDocument.Parse(envelope);
                Assert.Equal("lambda", json.RootElement.GetProperty("source").GetString());
                return json.RootElement.GetProperty("detail").GetRawText();
            })];

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
