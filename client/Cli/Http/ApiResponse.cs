using System.Net.Http.Headers;
using System.Text.Json;

namespace Orleans.AsyncInvoke.Cli.Http;

/// <summary>An answer of the gateway: its status, headers and body as text.</summary>
internal sealed record ApiResponse(int Status, HttpResponseHeaders Headers, string Body)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>The body parsed as JSON; an empty body is an empty object.</summary>
    public JsonElement Json()
    {
        if (string.IsNullOrWhiteSpace(Body))
        {
            return JsonDocument.Parse("{}").RootElement;
        }

        try
        {
            return JsonDocument.Parse(Body).RootElement;
        }
        catch (JsonException)
        {
            throw new CliException(ExitCodes.Unreachable, "InvalidResponse", $"The silo answered {Status} with a body that is not JSON.");
        }
    }

    public string? Header(string name) =>
        Headers.TryGetValues(name, out var values) ? string.Join(',', values) : null;

    /// <summary>
    /// The error this answer carries, in either of the gateway's shapes: <c>{"errorType","errorMessage"}</c> on its own
    /// routes, Lambda's rest-json error (<c>X-Amzn-ErrorType</c>, <c>message</c> or <c>Message</c>) on the Lambda API.
    /// </summary>
    public CliException Error()
    {
        string? type = null;
        string? message = null;
        try
        {
            if (!string.IsNullOrWhiteSpace(Body) && JsonDocument.Parse(Body).RootElement is { ValueKind: JsonValueKind.Object } root)
            {
                type = Text(root, "errorType") ?? Text(root, "__type");
                message = Text(root, "errorMessage") ?? Text(root, "message") ?? Text(root, "Message");
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's page, say): the status says what happened.
        }

        type = Header("X-Amzn-ErrorType")?.Split(':')[0] ?? type;
        if (type is not null && type.Contains('#', StringComparison.Ordinal))
        {
            type = type[(type.LastIndexOf('#') + 1)..];
        }

        type ??= Status switch
        {
            401 => "UnauthorizedException",
            403 => "AccessDeniedException",
            404 => "ResourceNotFoundException",
            409 => "InvalidStateException",
            >= 500 => "ServiceException",
            _ => "RequestFailed",
        };
        message ??= $"The silo answered HTTP {Status}.";
        return new CliException(ExitCodes.OfStatus(Status), type, message);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
