using System.Net;
using System.Text.Json;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using static Orleans.AsyncInvoke.Tests.Gateway.LambdaHttp;

namespace Orleans.AsyncInvoke.Tests.Gateway;

[Collection(GatewayCollection.Name)]
[Trait("Category", "Http")]
public sealed class QueueApiTests(GatewayFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    private async Task<JsonElement[]> ReceiveAsync(string queue, string query = "")
    {
        var json = await _http.GetStringAsync(new Uri($"/queues/{queue}/messages{query}", UriKind.Relative));
        return [.. JsonDocument.Parse(json).RootElement.EnumerateArray()];
    }

    [Fact]
    public async Task Queue_WhenSentReceivedAndDeleted_IsAtLeastOnceWithVisibility()
    {
        var queue = $"api-{Guid.NewGuid():N}";
        var sent = await _http.SendAsync(Request(HttpMethod.Post, $"/queues/{queue}/messages", """{"hello":"queue"}"""));
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        var messageId = JsonDocument.Parse(await sent.Content.ReadAsStringAsync()).RootElement.GetProperty("messageId").GetString();

        var first = Assert.Single(await ReceiveAsync(queue, "?max=10&visibilityTimeout=60"));
        Assert.Equal((messageId, """{"hello":"queue"}"""), (first.GetProperty("messageId").GetString(), first.GetProperty("body").GetString()));
        Assert.Empty(await ReceiveAsync(queue));

        var receipt = first.GetProperty("receiptHandle").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync(new Uri($"/queues/{queue}/messages/{Uri.EscapeDataString(receipt)}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.DeleteAsync(new Uri($"/queues/{queue}/messages/{Uri.EscapeDataString(receipt)}", UriKind.Relative))).StatusCode);
        var queues = JsonDocument.Parse(await _http.GetStringAsync(new Uri("/queues", UriKind.Relative))).RootElement.EnumerateArray();
        Assert.Contains(queues, q => q.GetProperty("name").GetString() == queue && q.GetProperty("approximateDepth").GetInt32() == 0);
    }

    [Fact]
    public async Task Queue_WhenVisibilityIsZero_RedeliversAndTheOldReceiptNoLongerDeletes()
    {
        var queue = $"api-{Guid.NewGuid():N}";
        await _http.SendAsync(Request(HttpMethod.Post, $"/queues/{queue}/messages", "again"));

        var first = Assert.Single(await ReceiveAsync(queue, "?visibilityTimeout=0"));
        var second = Assert.Single(await ReceiveAsync(queue, "?visibilityTimeout=0"));

        Assert.Equal(2, second.GetProperty("receiveCount").GetInt32());
        var stale = first.GetProperty("receiptHandle").GetString()!;
        Assert.Equal(HttpStatusCode.NotFound, (await _http.DeleteAsync(new Uri($"/queues/{queue}/messages/{Uri.EscapeDataString(stale)}", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Queue_WhenLongPolling_ReturnsAMessageThatArrivesDuringTheWait()
    {
        var queue = $"api-{Guid.NewGuid():N}";
        var polling = ReceiveAsync(queue, "?waitSeconds=10");
        await _http.SendAsync(Request(HttpMethod.Post, $"/queues/{queue}/messages", "late"));

        var received = Assert.Single(await polling.WaitAsync(TimeSpan.FromSeconds(15)));

        Assert.Equal("late", received.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Purge_WhenTheQueueHasMessages_RemovesThemAll()
    {
        var queue = $"api-{Guid.NewGuid():N}";
        await _http.SendAsync(Request(HttpMethod.Post, $"/queues/{queue}/messages", "1"));
        await _http.SendAsync(Request(HttpMethod.Post, $"/queues/{queue}/messages", "2"));

        Assert.Equal(HttpStatusCode.NoContent, (await _http.PostAsync(new Uri($"/queues/{queue}/purge", UriKind.Relative), null)).StatusCode);

        Assert.Empty(await ReceiveAsync(queue));
    }

    [Theory]
    [InlineData("/queues/bad%20name/messages")]
    [InlineData("/queues/q/messages?max=11")]
    [InlineData("/queues/q/messages?waitSeconds=21")]
    [InlineData("/queues/q/messages?visibilityTimeout=-1")]
    public async Task Receive_WhenTheNameOrAParameterIsBad_IsRefused(string path)
    {
        var response = await _http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Failure_WhenTheDestinationIsAQueue_CanBeReadOverHttp()
    {
        var queue = $"failures-{Guid.NewGuid():N}";
        var fn = $"http-{Guid.NewGuid():N}";
        await _http.SendAsync(Request(HttpMethod.Post, "/2015-03-31/functions", $$$"""{"FunctionName":"{{{fn}}}","PackageType":"Image","Code":{"ImageUri":"dotnet:fail"}}"""));
        await _http.SendAsync(Request(HttpMethod.Put, $"/2019-09-25/functions/{fn}/event-invoke-config",
            $$$$"""{"MaximumRetryAttempts":0,"DestinationConfig":{"OnFailure":{"Destination":"arn:aws:sqs:us-east-1:000000000000:{{{{queue}}}}"}}}"""));

        var id = (await _http.SendAsync(Invoke(fn, "{}", "Event"))).Headers.GetValues("X-Amzn-RequestId").Single();
        var message = Assert.Single(await ReceiveAsync(queue, "?waitSeconds=10"));

        using var record = JsonDocument.Parse(message.GetProperty("body").GetString()!);
        Assert.Equal((id, "RetriesExhausted"), (record.RootElement.GetProperty("requestContext").GetProperty("requestId").GetString(), record.RootElement.GetProperty("requestContext").GetProperty("condition").GetString()));
    }

    [Fact]
    public async Task DestinationStatus_WhenAskedByArn_AnswersForTheCanonicalTargetAndChecksParkedPages()
    {
        var queue = $"api-{Guid.NewGuid():N}";

        var status = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"/destinations?uri=arn:aws:sqs:eu-west-1:123456789012:{queue}", UriKind.Relative))).RootElement;
        var page = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"/destinations/parked?uri=queue://{queue}&offset=0&limit=10", UriKind.Relative))).RootElement;
        var badLimit = await _http.GetAsync(new Uri($"/destinations/parked?uri=queue://{queue}&limit=0", UriKind.Relative));
        var badUri = await _http.GetAsync(new Uri("/destinations/parked?uri=nowhere", UriKind.Relative));

        Assert.Equal(($"queue://{queue}", 0, 0), (status.GetProperty("destination").GetString(), status.GetProperty("pending").GetInt32(), status.GetProperty("parkedCount").GetInt32()));
        Assert.Equal((0, JsonValueKind.Null), (page.GetProperty("parked").GetArrayLength(), page.GetProperty("next").ValueKind));
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (badLimit.StatusCode, badUri.StatusCode));
        Assert.Contains("limit must be 1-1000", await badLimit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
