using System.Net;
using System.Text.Json;
using Orleans.AsyncInvoke.Destinations.EventBus;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using static Orleans.AsyncInvoke.Tests.Gateway.LambdaHttp;

namespace Orleans.AsyncInvoke.Tests.Gateway;

/// <summary>Topic subscriptions and event-bus rules refuse what they cannot hold with a 400 in the gateway's format.</summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "Http")]
public sealed class RoutingRouteTests(GatewayFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    private static async Task<string> AssertGatewayErrorAsync(HttpResponseMessage response, HttpStatusCode status, string errorType)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} {errorType}, got {(int)response.StatusCode}: {body}");
        using var error = JsonDocument.Parse(body);
        Assert.Equal(errorType, error.RootElement.GetProperty("errorType").GetString());
        return error.RootElement.GetProperty("errorMessage").GetString()!;
    }

    [Theory]
    [InlineData("GET", "/topics/%20/subscriptions", null)]
    [InlineData("PUT", "/topics/%20/subscriptions", """{"endpoint":"queue://q"}""")]
    [InlineData("DELETE", "/topics/a%20b/subscriptions?endpoint=queue://q", null)]
    [InlineData("GET", "/eventbuses/%20/rules", null)]
    [InlineData("PUT", "/eventbuses/%20/rules/r", """{"EventPattern":{},"Targets":["queue://q"]}""")]
    [InlineData("DELETE", "/eventbuses/a%2Cb/rules/r", null)]
    public async Task Route_WhenTheTopicOrBusNameCannotBeAddressed_Answers400WithAnErrorBody(string method, string path, string? body)
    {
        var response = await _http.SendAsync(Request(new HttpMethod(method), path, body));

        var message = await AssertGatewayErrorAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidParameterValue);
        Assert.Contains("names are 1-256 characters", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsubscribe_WhenTheEndpointIsMissing_Answers400WithAnErrorBody()
    {
        var response = await _http.DeleteAsync(new Uri("/topics/t-unsubscribe/subscriptions", UriKind.Relative));

        var message = await AssertGatewayErrorAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidParameterValue);
        Assert.Contains("endpoint is required", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"detail":{"n":[{}]}}""")]
    [InlineData("""{"n":[{"prefix":"a","exists":true}]}""")]
    [InlineData("""{"n":[{"numeric":[1,">"]}]}""")]
    [InlineData("""{"n":[{"numeric":["~",1]}]}""")]
    [InlineData("""{"n":[{"anything-but":{"prefix":1}}]}""")]
    [InlineData("""{"n":[[["nested"]]]}""")]
    public async Task PutRule_WhenAMatcherCannotBeApplied_Answers400WithAnErrorBody(string pattern)
    {
        var response = await _http.SendAsync(Request(HttpMethod.Put, "/eventbuses/b-matchers/rules/r", $$"""{"EventPattern":{{pattern}},"Targets":["queue://q"]}"""));

        var message = await AssertGatewayErrorAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidEventPattern);
        Assert.StartsWith("Event pattern is not valid. Reason: ", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"x":[{}]}""", "Match expression name not found")]
    [InlineData("""{"x":[{"numeric":[">","x"]}]}""", "Value of > must be numeric")]
    public async Task PutRule_WhenThePatternIsNotValid_Answers400InvalidEventPatternAndStoresNothing(string pattern, string reason)
    {
        var response = await _http.SendAsync(Request(HttpMethod.Put, "/eventbuses/b-invalid/rules/r", $$"""{"EventPattern":{{pattern}},"Targets":["queue://q"]}"""));

        var message = await AssertGatewayErrorAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidEventPattern);
        Assert.Equal($"Event pattern is not valid. Reason: {reason}", message);
        var rules = await _http.GetAsync(new Uri("/eventbuses/b-invalid/rules", UriKind.Relative));
        Assert.Equal("[]", await rules.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PutRule_WhenThePatternNestsTooDeep_Answers400AndListingStillAnswers()
    {
        var tooDeep = Nested(EventPattern.MaxDepth + 1);

        var response = await _http.SendAsync(Request(HttpMethod.Put, "/eventbuses/b-deep/rules/r", $$"""{"EventPattern":{{tooDeep}},"Targets":["queue://q"]}"""));

        var message = await AssertGatewayErrorAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidEventPattern);
        Assert.Contains($"deeper than {EventPattern.MaxDepth} levels", message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(new Uri("/eventbuses/b-deep/rules", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task ListRules_WhenAPatternNestsAsDeepAsAllowed_WritesItBack()
    {
        var deepest = Nested(EventPattern.MaxDepth);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(Request(HttpMethod.Put, "/eventbuses/b-deepest/rules/r", $$"""{"EventPattern":{{deepest}},"Targets":["queue://q"]}"""))).StatusCode);

        var response = await _http.GetAsync(new Uri("/eventbuses/b-deepest/rules", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var rules = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(deepest, rules.RootElement[0].GetProperty("eventPattern").GetRawText());
    }

    /// <summary>A pattern whose fields nest <paramref name="depth"/> objects deep, ending in a value list.</summary>
    private static string Nested(int depth) => string.Concat(Enumerable.Repeat("""{"a":""", depth - 1)) + """{"a":["x"]}""" + new string('}', depth - 1);
}
