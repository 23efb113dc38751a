using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Orleans.AsyncInvoke.Testing;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Integration;

/// <summary>
/// The AWS SDK for .NET's SQS client (JSON protocol; it checks every body and attribute digest) against a real silo
/// process, once per profile: the same operations over the embedded and the Redis queue stores.
/// </summary>
public abstract class SqsSdkConformance : IAsyncLifetime
{
    /// <summary>Member names as written: the Lambda API's are PascalCase.</summary>
    private static readonly System.Text.Json.JsonSerializerOptions AsWritten = new();

    private SiloProcess _silo = null!;

    protected AmazonSQSClient Sqs { get; private set; } = null!;

    protected HttpClient Http { get; private set; } = null!;

    /// <summary>Starts the profile's silo; returns it and its HTTP address.</summary>
    protected abstract Task<(SiloProcess Silo, Uri Address)> StartSiloAsync();

    public async Task InitializeAsync()
    {
        Uri address;
        (_silo, address) = await StartSiloAsync();
        Http = new HttpClient { BaseAddress = address };
        Sqs = Client(address);
    }

    public async Task DisposeAsync()
    {
        Sqs.Dispose();
        Http.Dispose();
        await _silo.DisposeAsync();
    }

    private static async Task SucceedsAsync(HttpResponseMessage response) =>
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");

    /// <summary>Kills the silo process at once (SIGKILL), as a crash would.</summary>
    protected void KillSilo() => _silo.Kill();

    protected static AmazonSQSClient Client(Uri address) =>
        new(new BasicAWSCredentials("test", "test"), new AmazonSQSConfig { ServiceURL = address.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    protected static string Arn(string queue) => $"arn:aws:sqs:us-east-1:000000000000:{queue}";

    protected async Task<(string Name, string Url)> CreateQueueAsync(Dictionary<string, string>? attributes = null)
    {
        var name = $"sdk-{Guid.NewGuid():N}";
        var created = await Sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = attributes });
        return (name, created.QueueUrl);
    }

    /// <summary>Long-polls until a message arrives, at most three polls of 20 s.</summary>
    protected async Task<Message> ReceiveOneAsync(string url, List<string>? attributeNames = null)
    {
        for (var poll = 0; poll < 3; poll++)
        {
            var received = await Sqs.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = url, WaitTimeSeconds = 20, MessageAttributeNames = attributeNames ?? ["All"], MessageSystemAttributeNames = ["All"],
            });
            if (received.Messages is { Count: > 0 } messages)
            {
                return messages[0];
            }
        }

        throw new Xunit.Sdk.XunitException($"No message arrived on {url} within 60 s.");
    }

    [Fact]
    public async Task SendMessage_WhenReceivedWithEveryAttributeType_KeepsThemAndTheDigestsMatch()
    {
        var (_, url) = await CreateQueueAsync();
        var sent = await Sqs.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = url,
            MessageBody = "body ✓",
            MessageAttributes = new Dictionary<string, MessageAttributeValue>
            {
                ["s"] = new() { DataType = "String", StringValue = "text" },
                ["n"] = new() { DataType = "Number.int", StringValue = "-12" },
                ["b"] = new() { DataType = "Binary", BinaryValue = new MemoryStream([9, 8, 7]) },
            },
        });

        var message = await ReceiveOneAsync(url);

        Assert.Equal(sent.MessageId, message.MessageId);
        Assert.Equal("body ✓", message.Body);
        Assert.Equal(sent.MD5OfMessageAttributes, message.MD5OfMessageAttributes);
        Assert.Equal("text", message.MessageAttributes["s"].StringValue);
        Assert.Equal(("Number.int", "-12"), (message.MessageAttributes["n"].DataType, message.MessageAttributes["n"].StringValue));
        Assert.Equal(new byte[] { 9, 8, 7 }, message.MessageAttributes["b"].BinaryValue.ToArray());
        Assert.Equal("1", message.Attributes["ApproximateReceiveCount"]);
        await Sqs.DeleteMessageAsync(url, message.ReceiptHandle);
        var attributes = await Sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = url, AttributeNames = ["All"] });
        Assert.Equal(0, attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible);
    }

    [Fact]
    public async Task ReceiveMessage_WhenTheQueueDoesNotExist_ThrowsQueueDoesNotExist()
    {
        var url = $"{Http.BaseAddress}000000000000/missing-{Guid.NewGuid():N}";

        var error = await Assert.ThrowsAsync<QueueDoesNotExistException>(() => Sqs.ReceiveMessageAsync(url));

        Assert.Equal("AWS.SimpleQueueService.NonExistentQueue", error.ErrorCode);
    }

    [Fact]
    public async Task CreateQueue_WhenTheQueueExistsWithOtherAttributes_ThrowsQueueNameExists()
    {
        var (name, _) = await CreateQueueAsync(new Dictionary<string, string> { ["VisibilityTimeout"] = "10" });

        await Assert.ThrowsAsync<QueueNameExistsException>(() =>
            Sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = new Dictionary<string, string> { ["VisibilityTimeout"] = "11" } }));
    }

    [Fact]
    public async Task ReceiveMessage_WhenAFailedFunctionHasAnSqsDeadLetterQueueAndFailureDestination_ReadsBoth()
    {
        var (dlqName, dlqUrl) = await CreateQueueAsync();
        var (failuresName, failuresUrl) = await CreateQueueAsync();
        var function = $"sdk-fail-{Guid.NewGuid():N}";
        await SucceedsAsync(await Http.PostAsJsonAsync("/2015-03-31/functions", new
        {
            FunctionName = function, Role = "arn:aws:iam::000000000000:role/any", PackageType = "Image",
            Code = new { ImageUri = "dotnet:fail" }, DeadLetterConfig = new { TargetArn = Arn(dlqName) },
        }, AsWritten));
        await SucceedsAsync(await Http.PutAsJsonAsync($"/2019-09-25/functions/{function}/event-invoke-config", new
        {
            MaximumRetryAttempts = 0, DestinationConfig = new { OnFailure = new { Destination = Arn(failuresName) } },
        }, AsWritten));
        using var invoke = new HttpRequestMessage(HttpMethod.Post, $"/2015-03-31/functions/{function}/invocations") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"order":1}""")) };
        invoke.Headers.Add("X-Amz-Invocation-Type", "Event");
        var accepted = await Http.SendAsync(invoke);
        Assert.True(accepted.IsSuccessStatusCode, $"Invoke answered {(int)accepted.StatusCode}: {await accepted.Content.ReadAsStringAsync()}");
        var requestId = accepted.Headers.GetValues("X-Amzn-RequestId").Single();

        var dead = await ReceiveOneAsync(dlqUrl);
        var record = await ReceiveOneAsync(failuresUrl);

        Assert.Equal("""{"order":1}""", dead.Body);
        Assert.Equal(("String", requestId), (dead.MessageAttributes["RequestID"].DataType, dead.MessageAttributes["RequestID"].StringValue));
        Assert.Equal(("Number", "200"), (dead.MessageAttributes["ErrorCode"].DataType, dead.MessageAttributes["ErrorCode"].StringValue));
        Assert.False(string.IsNullOrEmpty(dead.MessageAttributes["ErrorMessage"].StringValue));
        Assert.Contains($"\"requestId\":\"{requestId}\"", record.Body, StringComparison.Ordinal);
        Assert.Contains("\"condition\":\"RetriesExhausted\"", record.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReceiveMessage_WhenReceivedMoreThanMaxReceiveCount_MovesTheMessageToTheDeadLetterQueue()
    {
        var (dlqName, dlqUrl) = await CreateQueueAsync();
        var (_, url) = await CreateQueueAsync(new Dictionary<string, string>
        {
            ["RedrivePolicy"] = $$"""{"deadLetterTargetArn":"{{Arn(dlqName)}}","maxReceiveCount":"1"}""",
        });
        await Sqs.SendMessageAsync(url, "poison");

        var first = await Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, VisibilityTimeout = 0 });
        var second = await Sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, VisibilityTimeout = 0 });
        var moved = await ReceiveOneAsync(dlqUrl);

        Assert.Single(first.Messages);
        Assert.True(second.Messages is null or { Count: 0 }, "The second receive should have moved the message instead of handing it out.");
        Assert.Equal("poison", moved.Body);
    }

    [Fact]
    public async Task SendMessageBatch_WhenAnEntryIsInvalid_ReportsItInFailedAndSendsTheRest()
    {
        var (_, url) = await CreateQueueAsync();

        var result = await Sqs.SendMessageBatchAsync(url,
        [
            new SendMessageBatchRequestEntry("ok", "fine"),
            new SendMessageBatchRequestEntry("late", "later") { DelaySeconds = 900 },
            new SendMessageBatchRequestEntry("bad", "x") { DelaySeconds = 901 },
        ]);
        var attributes = await Sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = url, AttributeNames = ["All"] });

        Assert.Equal(["ok", "late"], result.Successful.Select(e => e.Id));
        Assert.Equal(("bad", "InvalidParameterValue", true), (result.Failed[0].Id, result.Failed[0].Code, result.Failed[0].SenderFault));
        Assert.Equal((1, 1), (attributes.ApproximateNumberOfMessages, attributes.ApproximateNumberOfMessagesDelayed));
    }
}

/// <summary>The SQS conformance suite against the embedded profile's queues (grain state in memory).</summary>
[Trait("Category", "Integration")]
public sealed class EmbeddedSqsSdkTests : SqsSdkConformance
{
    protected override async Task<(SiloProcess Silo, Uri Address)> StartSiloAsync()
    {
        var port = FreePort.Next();
        var silo = await SiloProcess.StartAsync(port, new Dictionary<string, string>
        {
            ["AsyncInvoke__Cluster__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["AsyncInvoke__Cluster__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["AsyncInvoke__TimeCompression"] = "60",
        });
        return (silo, new Uri($"http://127.0.0.1:{port}/"));
    }
}

/// <summary>The SQS conformance suite against the Redis profile's queues, and what a restart must keep.</summary>
[Trait("Category", "Integration")]
public sealed class RedisSqsSdkTests(RedisFixture fixture) : SqsSdkConformance, IClassFixture<RedisFixture>
{
    private RedisSilo _settings = null!;

    protected override async Task<(SiloProcess Silo, Uri Address)> StartSiloAsync()
    {
        _settings = new RedisSilo(fixture.Server);
        return (await _settings.StartAsync(), new Uri($"http://127.0.0.1:{_settings.HttpPort}/"));
    }

    [Fact]
    public async Task ReceiveMessage_WhenTheSiloWasKilled_KeepsQueueSettingsMessageAttributesAndReceiveCounts()
    {
        var (_, url) = await CreateQueueAsync(new Dictionary<string, string> { ["VisibilityTimeout"] = "1", ["MessageRetentionPeriod"] = "600" });
        await Sqs.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = url, MessageBody = "durable",
            MessageAttributes = new Dictionary<string, MessageAttributeValue> { ["k"] = new() { DataType = "Number", StringValue = "7" } },
        });
        var first = await ReceiveOneAsync(url);

        await using (var second = await RestartAsync())
        {
            var attributes = await Sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = url, AttributeNames = ["VisibilityTimeout", "MessageRetentionPeriod"] });
            var again = (await Sqs.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = url, WaitTimeSeconds = 20, MessageAttributeNames = ["All"], MessageSystemAttributeNames = ["All"],
            })).Messages.Single();

            Assert.Equal(("1", "600"), (attributes.Attributes["VisibilityTimeout"], attributes.Attributes["MessageRetentionPeriod"]));
            Assert.Equal(first.MessageId, again.MessageId);
            Assert.Equal("2", again.Attributes["ApproximateReceiveCount"]);
            Assert.Equal(first.Attributes["ApproximateFirstReceiveTimestamp"], again.Attributes["ApproximateFirstReceiveTimestamp"]);
            Assert.Equal(("Number", "7"), (again.MessageAttributes["k"].DataType, again.MessageAttributes["k"].StringValue));
        }
    }

    private Task<SiloProcess> RestartAsync()
    {
        KillSilo();
        return _settings.StartAsync();
    }
}
