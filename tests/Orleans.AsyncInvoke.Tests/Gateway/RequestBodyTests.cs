using System.Net;
using System.Text;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Gateway;

/// <summary>
/// Bodies through real Kestrel, where they arrive in several reads: one with a small declared length is read into an
/// array of that size, a larger or chunked one grows as it arrives; either way the function sees every byte.
/// </summary>
[Trait("Category", "Http")]
public sealed class RequestBodyTests(KestrelGatewayHost host) : IClassFixture<KestrelGatewayHost>
{
    [Theory]
    [InlineData(0, false)]
    [InlineData(14, false)]
    [InlineData(64 * 1024, false)]
    [InlineData(64 * 1024 + 1, false)]
    [InlineData(300 * 1024, false)]
    [InlineData(14, true)]
    [InlineData(300 * 1024, true)]
    public async Task SyncInvoke_WhenTheBodyArrivesInReads_TheFunctionGetsEveryByte(int size, bool chunked)
    {
        var body = Body(size);
        using var client = new HttpClient { BaseAddress = host.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/2015-03-31/functions/echo/invocations")
        {
            Content = chunked ? new StreamContent(new UnknownLengthStream(body)) : new ByteArrayContent(body),
        };

        using var response = await client.SendAsync(request);
        var echoed = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, echoed);
    }

    [Fact]
    public async Task EventInvoke_WhenAChunkedBodyPassesTheLimit_AnswersRequestTooLarge()
    {
        using var client = new HttpClient { BaseAddress = host.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/2015-03-31/functions/echo/invocations")
        {
            Content = new StreamContent(new UnknownLengthStream(Body(1024 * 1024 + 1))),
        };
        request.Headers.Add("X-Amz-Invocation-Type", "Event");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("RequestTooLargeException", Assert.Single(response.Headers.GetValues("X-Amzn-ErrorType")));
    }

    /// <summary>A JSON object of exactly <paramref name="size"/> bytes (0, or at least 8), bytes varied so a misplaced read shows.</summary>
    private static byte[] Body(int size)
    {
        if (size == 0)
        {
            return [];
        }

        var text = new StringBuilder("{\"p\":\"");
        var filler = size - 8;
        for (var i = 0; i < filler; i++)
        {
            text.Append((char)('a' + (i * 7 % 26)));
        }

        return Encoding.ASCII.GetBytes(text.Append("\"}").ToString());
    }

    /// <summary>A body stream that hides its length, so the client sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
