using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Gateway;

/// <summary>
/// A JSON body whose strings are not valid UTF-8, or not valid Unicode (an unpaired surrogate escape), is the
/// surface's 400, on every management route.
/// </summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "Http")]
public sealed class InvalidUtf8Tests(GatewayFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    private static HttpRequestMessage WithInvalidUtf8(string method, string path, string json)
    {
        // The marker is replaced by a lone 0xFF byte inside a JSON string.
        var parts = json.Split('¤');
        var bytes = Encoding.UTF8.GetBytes(parts[0]).Concat(new byte[] { 0xFF }).Concat(Encoding.UTF8.GetBytes(parts[1])).ToArray();
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative)) { Content = content };
    }

    [Theory]
    [InlineData("POST", "/2015-03-31/functions", """{"FunctionName":"utf8-fn","PackageType":"Image","Code":{"ImageUri":"¤dotnet:echo"}}""")]
    [InlineData("PUT", "/2015-03-31/functions/echo/code", """{"ImageUri":"¤dotnet:echo"}""")]
    [InlineData("PUT", "/2015-03-31/functions/echo/configuration", """{"Description":"¤"}""")]
    [InlineData("POST", "/2015-03-31/functions/echo/versions", """{"Description":"¤"}""")]
    [InlineData("POST", "/2015-03-31/functions/echo/aliases", """{"Name":"a¤","FunctionVersion":"$LATEST"}""")]
    [InlineData("PUT", "/2024-08-31/functions/echo/recursion-config", """{"RecursiveLoop":"¤"}""")]
    [InlineData("PUT", "/2019-09-25/functions/echo/event-invoke-config", """{"DestinationConfig":{"OnSuccess":{"Destination":"queue://¤"}}}""")]
    public async Task LambdaRoute_WhenAStringIsNotUtf8_AnswersInvalidRequestContent(string method, string path, string json)
    {
        var response = await _http.SendAsync(WithInvalidUtf8(method, path, json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidRequestContentException", response.Headers.GetValues("X-Amzn-ErrorType").Single());
        Assert.Contains("not valid UTF-8", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PUT", "/topics/t-utf8/subscriptions", """{"endpoint":"queue://¤"}""")]
    [InlineData("PUT", "/eventbuses/b-utf8/rules/r", """{"eventPattern":{},"targets":["queue://¤"]}""")]
    public async Task RoutingRoute_WhenAStringIsNotUtf8_Answers400WithAnErrorBody(string method, string path, string json)
    {
        var response = await _http.SendAsync(WithInvalidUtf8(method, path, json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("InvalidRequestContentException", error.GetProperty("errorType").GetString());
    }

    [Theory]
    [InlineData("PUT", "/topics/t-surrogate/subscriptions", """{"endpoint":"queue://\ud800"}""")]
    [InlineData("PUT", "/eventbuses/b-surrogate/rules/r", """{"EventPattern":{},"Targets":["\ud800"]}""")]
    [InlineData("PUT", "/eventbuses/b-surrogate/rules/r", """{"EventPattern":{"\udc00":["x"]},"Targets":["queue://q"]}""")]
    public async Task RoutingRoute_WhenAStringIsAnUnpairedSurrogate_Answers400WithAnErrorBody(string method, string path, string json)
    {
        var response = await _http.SendAsync(LambdaHttp.Request(new HttpMethod(method), path, json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("InvalidRequestContentException", error.GetProperty("errorType").GetString());
        Assert.Contains("unpaired surrogate", error.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
    }
}
