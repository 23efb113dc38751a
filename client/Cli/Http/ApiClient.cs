using System.Net.Sockets;
using System.Text;

namespace Orleans.AsyncInvoke.Cli.Http;

/// <summary>The silo's HTTP gateway, with the caller's credentials on every request.</summary>
internal sealed class ApiClient(HttpClient http, Uri baseUrl, Credentials credentials, TimeProvider time)
{
    /// <summary>How long an ordinary request may take; a synchronous invoke waits as long as its function runs.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public Uri BaseUrl => baseUrl;

    /// <summary>Sends a request and throws the gateway's error as a <see cref="CliException"/> unless it succeeded.</summary>
    public async Task<ApiResponse> SendAsync(HttpMethod method, string pathAndQuery, string? body, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? headers = null, TimeSpan? timeout = null)
    {
        var response = await TrySendAsync(method, pathAndQuery, body, cancellationToken, headers, timeout);
        return response.IsSuccess ? response : throw response.Error();
    }

    /// <summary>Sends a request and returns the answer whatever its status; a failure to connect is a <see cref="CliException"/>.</summary>
    public async Task<ApiResponse> TrySendAsync(HttpMethod method, string pathAndQuery, string? body, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? headers = null, TimeSpan? timeout = null)
    {
        var uri = new Uri(baseUrl.GetLeftPart(UriPartial.Authority) + baseUrl.AbsolutePath.TrimEnd('/') + pathAndQuery);
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (credentials.ApiKey is { } key)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }
        else if (credentials.Aws is { } aws)
        {
            // The Lambda API wants the scope's service to be "lambda"; the gateway's other routes take any service name.
            SigV4Signer.Sign(request, bytes, aws, credentials.Region, "lambda", time.GetUtcNow());
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            deadline.CancelAfter(timeout ?? DefaultTimeout);
        }

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token);
            var text = await response.Content.ReadAsStringAsync(deadline.Token);
            return new ApiResponse((int)response.StatusCode, response.Headers, text);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Unreachable, "Timeout", $"{baseUrl} did not answer {method} {Path(pathAndQuery)} in {(timeout ?? DefaultTimeout).TotalSeconds:0} s.");
        }
        catch (HttpRequestException ex)
        {
            var reason = ex.InnerException is SocketException socket ? socket.Message : ex.Message;
            throw new CliException(ExitCodes.Unreachable, "ConnectionError", $"Cannot reach {baseUrl}: {reason}");
        }
    }

    private static string Path(string pathAndQuery) => pathAndQuery.Split('?')[0];
}
