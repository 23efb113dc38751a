using System.Net;
using System.Text.Json;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using static Orleans.AsyncInvoke.Tests.Gateway.LambdaHttp;

namespace Orleans.AsyncInvoke.Tests.Gateway;

/// <summary>Deleting by receipt and purging cannot be confused: a missing or malformed handle deletes nothing.</summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "Http")]
public sealed class QueueRouteTests(GatewayFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    private async Task<int> DepthAsync(string queue)
    {
        var queues = JsonDocument.Parse(await _http.GetStringAsync(new Uri("/queues", UriKind.Relative))).RootElement.EnumerateArray();
        return queues.Single(q => q.GetProperty("name").GetString() == queue).GetProperty("approximateDepth").GetInt32();
    }

    [Theory]
    [InlineData("/messages/", "MissingParameter")]
    [InlineData("/messages", "MissingParameter")]
    [InlineData("/messages/not-a-receipt", "ReceiptHandleIsInvalid")]
    public async Task Delete_WhenTheReceiptHandleIsMissingOrMalformed_Answers400AndDeletesNothing(string path, string errorType)
    {
        var queue = $"trap-{Guid.NewGuid():N}";
        await _http.SendAsync(Request(HttpMethod.Post, $"/queues/{queue}/messages", "keep me"));

        var response = await _http.DeleteAsync(new Uri($"/queues/{queue}{path}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(errorType, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errorType").GetString());
        Assert.Equal(1, await DepthAsync(queue));
    }

    [Fact]
    public async Task Purge_WhenPostedToItsOwnRoute_DeletesEveryMessage()
    {
        var queue = $"purged-{Guid.NewGuid():N}";
        await _http.SendAsync(Request(HttpMethod.Post, $"/queues/{queue}/messages", "1"));
        await _http.SendAsync(Request(HttpMethod.Post, $"/queues/{queue}/messages", "2"));

        var response = await _http.PostAsync(new Uri($"/queues/{queue}/purge", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(0, await DepthAsync(queue));
    }

    [Theory]
    [InlineData("GET", "/destinations?uri=")]
    [InlineData("GET", "/destinations/parked")]
    [InlineData("POST", "/destinations/redrive")]
    public async Task Destinations_WhenTheUriIsMissing_Answer400WithABody(string method, string path)
    {
        var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(ErrorCodes.InvalidParameterValue, error.GetProperty("errorType").GetString());
        Assert.Contains("uri is required", error.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_WhenTheyQuoteText_WriteTheQuotesAsThemselves()
    {
        var response = await _http.GetAsync(new Uri("/queues/q/messages?max=x'y", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("(was 'x'y')", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u0027", body, StringComparison.Ordinal);
    }
}
