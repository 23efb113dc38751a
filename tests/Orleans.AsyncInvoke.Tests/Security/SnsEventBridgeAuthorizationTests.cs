using System.Net;
using System.Text;
using static Orleans.AsyncInvoke.Tests.Security.SecureGatewayFixture;

namespace Orleans.AsyncInvoke.Tests.Security;

/// <summary>SNS and EventBridge on the shared AWS endpoint check each operation against the caller's role, in each service's words.</summary>
[Collection(SecureGatewayCollection.Name)]
[Trait("Category", "Http")]
public sealed class SnsEventBridgeAuthorizationTests(SecureGatewayFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    private static HttpRequestMessage Sns(params (string Key, string Value)[] form) =>
        new(HttpMethod.Post, "/") { Content = new FormUrlEncodedContent([new("Version", "2010-03-31"), .. form.Select(p => KeyValuePair.Create(p.Key, p.Value))]) };

    private static HttpRequestMessage Events(string operation, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new("application/x-amz-json-1.1");
        request.Headers.Add("X-Amz-Target", "AWSEvents." + operation);
        return request;
    }

    [Fact]
    public async Task Sns_WhenTheReadRoleListsAndPublishes_ListsButIsRefusedPublishWithAuthorizationError()
    {
        var topic = $"auth-{Guid.NewGuid():N}";
        var created = await _http.SendAsync(await SignAsync(Sns(("Action", "CreateTopic"), ("Name", topic)), AdminKeyId, AdminSecret, service: "sns"));
        var listed = await _http.SendAsync(await SignAsync(Sns(("Action", "ListTopics")), ReadKeyId, ReadSecret, service: "sns"));
        var published = await _http.SendAsync(await SignAsync(
            Sns(("Action", "Publish"), ("TopicArn", $"arn:aws:sns:us-east-1:000000000000:{topic}"), ("Message", "x")), ReadKeyId, ReadSecret, service: "sns"));

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Contains($"arn:aws:sns:us-east-1:000000000000:{topic}", await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var refusal = await published.Content.ReadAsStringAsync();
        Assert.True(published.StatusCode == HttpStatusCode.Forbidden, $"Expected 403, got {(int)published.StatusCode}: {refusal}");
        Assert.Contains("<Code>AuthorizationError</Code>", refusal, StringComparison.Ordinal);
        Assert.Contains($"user/{ReadKeyId} is not authorized to perform: SNS:Publish", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventBridge_WhenTheReadRoleTestsAPatternAndPutsEvents_TestsButIsRefusedPutEvents()
    {
        const string Event = """{"id":"1","account":"000000000000","source":"shop","time":"2026-01-01T00:00:00Z","region":"us-east-1"}""";
        var tested = await _http.SendAsync(await SignAsync(
            Events("TestEventPattern", $$"""{"EventPattern":"{\"source\":[\"shop\"]}","Event":{{System.Text.Json.JsonSerializer.Serialize(Event)}}}"""), ReadKeyId, ReadSecret, service: "events"));
        var put = await _http.SendAsync(await SignAsync(
            Events("PutEvents", """{"Entries":[{"Source":"shop","DetailType":"x","Detail":"{}"}]}"""), ReadKeyId, ReadSecret, service: "events"));

        Assert.Equal("""{"Result":true}""", await tested.Content.ReadAsStringAsync());
        var refusal = await put.Content.ReadAsStringAsync();
        Assert.True(put.StatusCode == HttpStatusCode.Forbidden, $"Expected 403, got {(int)put.StatusCode}: {refusal}");
        Assert.Contains("\"__type\":\"AccessDeniedException\"", refusal, StringComparison.Ordinal);
        Assert.Contains("events:PutEvents", refusal, StringComparison.Ordinal);
    }
}
