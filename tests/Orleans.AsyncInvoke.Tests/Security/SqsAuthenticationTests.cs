using System.Net;
using System.Text;
using System.Text.Json;
using static Orleans.AsyncInvoke.Tests.Security.SecureGatewayFixture;

namespace Orleans.AsyncInvoke.Tests.Security;

/// <summary>SQS on the shared AWS endpoint of a gateway with credentials: SigV4 for sqs (and sns, events), per-operation permissions.</summary>
[Collection(SecureGatewayCollection.Name)]
[Trait("Category", "Http")]
public sealed class SqsAuthenticationTests(SecureGatewayFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    private static HttpRequestMessage Json(string operation, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new("application/x-amz-json-1.0");
        request.Headers.Add("X-Amz-Target", "AmazonSQS." + operation);
        return request;
    }

    private async Task<string> CreateQueueAsync()
    {
        var name = $"auth-{Guid.NewGuid():N}";
        var created = await _http.SendAsync(await SignAsync(Json("CreateQueue", $$"""{"QueueName":"{{name}}"}"""), AdminKeyId, AdminSecret, service: "sqs"));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        return $"http://localhost/000000000000/{name}";
    }

    private static async Task<(string Code, string Message)> SqsErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        Assert.True(json.RootElement.TryGetProperty("__type", out _), body);
        return (response.Headers.GetValues("x-amzn-query-error").Single(), json.RootElement.GetProperty("message").GetString()!);
    }

    [Fact]
    public async Task Sqs_WhenSignedForSqsByAnAdmin_SendsAndReceives()
    {
        var url = await CreateQueueAsync();

        var sent = await _http.SendAsync(await SignAsync(Json("SendMessage", $$"""{"QueueUrl":"{{url}}","MessageBody":"signed"}"""), AdminKeyId, AdminSecret, service: "sqs"));
        var received = await _http.SendAsync(await SignAsync(Json("ReceiveMessage", $$"""{"QueueUrl":"{{url}}"}"""), AdminKeyId, AdminSecret, service: "sqs"));

        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("\"Body\":\"signed\"", await received.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sns")]
    [InlineData("events")]
    public async Task AwsEndpoint_WhenSignedForTheServicesToCome_PassesAuthentication(string service)
    {
        var response = await _http.SendAsync(await SignAsync(Json("ListQueues", "{}"), AdminKeyId, AdminSecret, service: service));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AwsEndpoint_WhenSignedForLambda_AnswersSignatureDoesNotMatchInSqsWords()
    {
        var response = await _http.SendAsync(await SignAsync(Json("ListQueues", "{}"), AdminKeyId, AdminSecret, service: "lambda"));

        var (code, message) = await SqsErrorAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("SignatureDoesNotMatch;Sender", code);
        Assert.Contains("'sqs'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AwsEndpoint_WhenUnsignedQueryProtocol_AnswersMissingAuthenticationTokenInXml()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new FormUrlEncodedContent([new("Action", "ListQueues"), new("Version", "2012-11-05")]) };

        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("<Code>MissingAuthenticationToken</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sqs_WhenTheRoleIsRead_ListsButIsDeniedSendNamingTheAction()
    {
        var url = await CreateQueueAsync();

        var listed = await _http.SendAsync(await SignAsync(Json("ListQueues", "{}"), ReadKeyId, ReadSecret, service: "sqs"));
        var sent = await _http.SendAsync(await SignAsync(Json("SendMessage", $$"""{"QueueUrl":"{{url}}","MessageBody":"x"}"""), ReadKeyId, ReadSecret, service: "sqs"));
        var received = await _http.SendAsync(await SignAsync(Json("ReceiveMessage", $$"""{"QueueUrl":"{{url}}"}"""), ReadKeyId, ReadSecret, service: "sqs"));

        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var (code, message) = await SqsErrorAsync(sent, HttpStatusCode.Forbidden);
        Assert.Equal("AccessDenied;Sender", code);
        Assert.Contains($"user/{ReadKeyId} is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:us-east-1:000000000000:", message, StringComparison.Ordinal);
        Assert.Equal("AccessDenied;Sender", (await SqsErrorAsync(received, HttpStatusCode.Forbidden)).Code);
    }

    [Fact]
    public async Task Sqs_WhenTheKeyMayInvoke_ReceivesAndDeletesButIsDeniedPurge()
    {
        var url = await CreateQueueAsync();

        var received = await _http.SendAsync(WithBearer(Json("ReceiveMessage", $$"""{"QueueUrl":"{{url}}"}"""), InvokeApiKey));
        var purged = await _http.SendAsync(WithBearer(Json("PurgeQueue", $$"""{"QueueUrl":"{{url}}"}"""), InvokeApiKey));

        Assert.Equal(HttpStatusCode.OK, received.StatusCode);
        Assert.Equal("AccessDenied;Sender", (await SqsErrorAsync(purged, HttpStatusCode.Forbidden)).Code);
    }
}
