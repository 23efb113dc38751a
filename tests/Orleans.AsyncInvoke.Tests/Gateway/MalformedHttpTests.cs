using System.Text;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Gateway;

/// <summary>Malformed HTTP that only real Kestrel carries: the body cannot be read, and the answer is still the surface's 400.</summary>
[Trait("Category", "Http")]
public sealed class MalformedHttpTests(KestrelGatewayHost host) : IClassFixture<KestrelGatewayHost>
{
    private static byte[] ChunkedRequest(string path, string chunks) => Encoding.ASCII.GetBytes(
        $"POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{chunks}");

    [Theory]
    [InlineData("/2015-03-31/functions/echo/aliases")]
    [InlineData("/2019-09-25/functions/echo/event-invoke-config")]
    [InlineData("/2015-03-31/functions/echo/invocations")]
    public async Task LambdaRoute_WhenAChunkSizeOverflows_AnswersInvalidRequestContent(string path)
    {
        var (status, response) = await RawHttp.SendAsync(host.Address, ChunkedRequest(path, "FFFFFFFFFFFFFFFF\r\n"), halfClose: false, CancellationToken.None);

        Assert.True(status == 400, $"Expected 400, got {status}: {response}");
        Assert.Contains("X-Amzn-ErrorType: InvalidRequestContentException", response, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/queues/chunked/messages")]
    [InlineData("/async-function/echo")]
    public async Task GatewayRoute_WhenAChunkSizeOverflows_Answers400WithAnErrorBody(string path)
    {
        var (status, response) = await RawHttp.SendAsync(host.Address, ChunkedRequest(path, "FFFFFFFFFFFFFFFF\r\n"), halfClose: false, CancellationToken.None);

        Assert.True(status == 400, $"Expected 400, got {status}: {response}");
        Assert.Contains("\"errorType\":\"InvalidRequestContentException\"", response, StringComparison.Ordinal);
    }
}
