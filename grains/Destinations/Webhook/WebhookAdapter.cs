using System.Net.Http.Headers;

namespace Orleans.AsyncInvoke.Destinations.Webhook;

/// <summary>
/// POSTs the record to an HTTP endpoint through the <see cref="Security.OutboundAddressGuard"/> (internal addresses
/// refused unless allowed, no proxy, no redirects). At least once: a POST
/// in flight when its silo dies is sent again, with the same <c>X-Request-Id</c> to de-duplicate on.
/// </summary>
internal sealed class WebhookAdapter(IHttpClientFactory clients) : IDestinationAdapter
{
    public const string HttpClientName = "asyncinvoke-webhooks";

    public DestinationKind Kind => DestinationKind.Webhook;

    public int MaxBatch => 1;

    public async Task<IReadOnlyList<Delivery>> DeliverAsync(DestinationAddress address, IReadOnlyList<DestinationMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            await PostAsync(address, message, cancellationToken);
        }

        return [];
    }

    private async Task PostAsync(DestinationAddress address, DestinationMessage message, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, address.Name) { Content = new StringContent(message.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("X-Request-Id", message.RequestId);
        request.Headers.TryAddWithoutValidation("X-Invocation-Condition", message.Condition);
        foreach (var (name, value) in message.Headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await clients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The webhook answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
        }
    }
}
