using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Security;

namespace Orleans.AsyncInvoke.Execution.Http;

/// <summary>
/// Runs <c>http://</c> and <c>https://</c> targets: POSTs the event, 2xx is success (the body is the response),
/// 429 and 503 are throttles (honouring <c>Retry-After</c>), anything else is a function error.
/// </summary>
internal sealed partial class HttpFunctionRuntime(IHttpClientFactory clients, IOptions<AsyncInvokeOptions> options, OutboundAddressGuard guard, TimeProvider time, ILogger<HttpFunctionRuntime> logger) : IFunctionRuntime
{
    public bool CanRun(string target) =>
        target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    public string? Validate(string target) =>
        Uri.TryCreate(target, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host)
            ? guard.RefusalOf(target)
            : $"The HTTP target '{target}' is not an absolute URL.";

    public async Task<byte[]> InvokeAsync(FunctionDefinition function, FunctionContext context, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, function.Target) { Content = new ByteArrayContent(context.Payload) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        HttpHeaders.Add(request, context);
        using var response = await Send(function, request, cancellationToken);
        var body = await BoundedReader.ReadAsync(await response.Content.ReadAsStreamAsync(cancellationToken), options.Value.MaxResponseBytes, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return body;
        }

        throw HttpHeaders.Failure(response, body, time);
    }

    private async Task<HttpResponseMessage> Send(FunctionDefinition function, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await clients.CreateClient(HttpHeaders.ClientName(function.Name)).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            LogUnreachable(logger, function.Name, ex.Message);
            throw new FunctionErrorException("HttpError", ex.Message);
        }
    }

    [LoggerMessage(EventId = LogEvents.HttpFunctionUnreachable, Level = LogLevel.Warning, Message = "HTTP function {FunctionName} could not be reached: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string functionName, string reason);
}

/// <summary>What plain and custom-handler HTTP functions share: the headers sent and how failures are read.</summary>
internal static class HttpHeaders
{
    public const string ClientPrefix = "asyncinvoke-function-";

    public static string ClientName(string functionName) => ClientPrefix + functionName;

    public static void Add(HttpRequestMessage request, FunctionContext context)
    {
        request.Headers.TryAddWithoutValidation("X-Request-Id", context.RequestId);
        request.Headers.TryAddWithoutValidation("X-Attempt", context.Attempt.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("X-Function-Name", context.FunctionName);
        request.Headers.TryAddWithoutValidation("X-Deadline", context.Deadline.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        if (context.TraceParent is not null)
        {
            request.Headers.TryAddWithoutValidation("traceparent", context.TraceParent);
        }
    }

    /// <summary>The exception for a non-2xx answer: a throttle for 429/503, a function error otherwise.</summary>
    public static Exception Failure(HttpResponseMessage response, byte[] body, TimeProvider time)
    {
        var status = (int)response.StatusCode;
        if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
        {
            return new FunctionThrottledException($"{status} {response.ReasonPhrase}", RetryAfter(response, time));
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && (root.TryGetProperty("errorMessage", out _) || root.TryGetProperty("errorType", out _)))
            {
                var message = root.TryGetProperty("errorMessage", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : $"{status} {response.ReasonPhrase}";
                var type = root.TryGetProperty("errorType", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "HttpError";
                return new FunctionErrorException(type, message);
            }
        }
        catch (JsonException)
        {
            // Not a Lambda-shaped error body.
        }

        return new FunctionErrorException("HttpError", $"{status} {response.ReasonPhrase}");
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}
