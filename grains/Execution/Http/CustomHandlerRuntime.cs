using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Security;

namespace Orleans.AsyncInvoke.Execution.Http;

/// <summary>
/// Runs <c>customhandler+http://host:port</c> targets with the Azure Functions custom-handler protocol: POST
/// <c>/&lt;functionName&gt;</c> with <c>{"Data": {...}, "Metadata": {...}}</c>, read <c>{"Outputs", "Logs",
/// "ReturnValue"}</c>. A handler written for Azure runs unchanged; its logs go to the silo log.
/// </summary>
internal sealed partial class CustomHandlerRuntime(IHttpClientFactory clients, IOptions<AsyncInvokeOptions> options, OutboundAddressGuard guard, TimeProvider time, ILogger<CustomHandlerRuntime> logger) : IFunctionRuntime
{
    public const string Scheme = "customhandler+";

    public bool CanRun(string target) => target.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    public string? Validate(string target) =>
        Uri.TryCreate(target[Scheme.Length..], UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? guard.RefusalOf(target[Scheme.Length..])
            : $"The custom handler target '{target}' must be customhandler+http://host:port.";

    public async Task<byte[]> InvokeAsync(FunctionDefinition function, FunctionContext context, CancellationToken cancellationToken)
    {
        var baseUri = new Uri(function.Target[Scheme.Length..].TrimEnd('/') + "/");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, Uri.EscapeDataString(function.Name)))
        {
            Content = new ByteArrayContent(Envelope(context)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        HttpHeaders.Add(request, context);

        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(HttpHeaders.ClientName(function.Name)).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new FunctionErrorException("HttpError", ex.Message);
        }

        using (response)
        {
            var body = await BoundedReader.ReadAsync(await response.Content.ReadAsStreamAsync(cancellationToken), options.Value.MaxResponseBytes, cancellationToken);
            WriteLogs(body, function.Name, context.RequestId);
            if (!response.IsSuccessStatusCode)
            {
                throw HttpHeaders.Failure(response, body, time);
            }

            return Result(body);
        }
    }

    private static byte[] Envelope(FunctionContext context)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("Data");
            writer.WritePropertyName("event");
            InvocationRecordBuilder.WritePayload(writer, context.Payload);
            writer.WriteEndObject();
            writer.WriteStartObject("Metadata");
            writer.WriteString("RequestId", context.RequestId);
            writer.WriteString("FunctionName", context.FunctionName);
            writer.WriteNumber("Attempt", context.Attempt);
            writer.WriteString("Deadline", context.Deadline.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteStartObject("sys");
            writer.WriteString("MethodName", context.FunctionName);
            writer.WriteString("UtcNow", context.Time.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The function's response: <c>ReturnValue</c> when set, else <c>Outputs</c>.</summary>
    private static byte[] Result(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FunctionErrorException("CustomHandler.InvalidResponse", "The custom handler answered with something other than a JSON object.");
            }

            if (root.TryGetProperty("ReturnValue", out var value) && value.ValueKind != JsonValueKind.Null)
            {
                return value.ValueKind == JsonValueKind.String ? Encoding.UTF8.GetBytes(value.GetString()!) : Encoding.UTF8.GetBytes(value.GetRawText());
            }

            return root.TryGetProperty("Outputs", out var outputs) ? Encoding.UTF8.GetBytes(outputs.GetRawText()) : [];
        }
        catch (JsonException)
        {
            throw new FunctionErrorException("CustomHandler.InvalidResponse", "The custom handler answered with something other than JSON.");
        }
    }

    private void WriteLogs(byte[] body, string functionName, string requestId)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("Logs", out var logs) && logs.ValueKind == JsonValueKind.Array)
            {
                foreach (var line in logs.EnumerateArray())
                {
                    LogHandler(logger, functionName, requestId, line.ValueKind == JsonValueKind.String ? line.GetString()! : line.GetRawText());
                }
            }
        }
        catch (JsonException)
        {
            // No logs to forward from a body that is not JSON.
        }
    }

    [LoggerMessage(EventId = LogEvents.CustomHandlerLog, Level = LogLevel.Information, Message = "[{FunctionName} {RequestId}] {Line}")]
    private static partial void LogHandler(ILogger logger, string functionName, string requestId, string line);
}
