using System.Text;
using System.Text.Json;

namespace Orleans.AsyncInvoke.Destinations;

/// <summary>
/// Per-destination record shapes: Lambda's (the default) or FunctionGraph's snake_case shape, chosen with a
/// <c>format=functiongraph</c> parameter on the destination URI.
/// </summary>
public static class RecordFormats
{
    /// <summary>Whether the destination asks for the FunctionGraph shape.</summary>
    public static bool WantsFunctionGraph(string destination)
    {
        var query = destination.IndexOf('?', StringComparison.Ordinal);
        return query >= 0 && destination[(query + 1)..].Split('&')
            .Any(p => string.Equals(p, "format=functiongraph", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Rewrites a Lambda record as FunctionGraph's: <c>request_context.request_id</c>, <c>function_urn</c>,
    /// <c>condition</c>, <c>approximate_invoke_count</c>, <c>response_context.status_code</c>,
    /// <c>function_error</c>, <c>request_payload</c>, <c>response_payload</c>. Anything else passes unchanged.
    /// </summary>
    public static string ToFunctionGraph(string record)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(record, Invocations.InvocationRecordBuilder.ReadOptions);
        }
        catch (JsonException)
        {
            return record;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("requestContext", out var context))
            {
                return record;
            }

            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, ReadableJson.Writer))
            {
                w.WriteStartObject();
                Copy(w, root, "version", "version");
                Copy(w, root, "timestamp", "timestamp");
                w.WriteStartObject("request_context");
                Copy(w, context, "requestId", "request_id");
                if (context.TryGetProperty("functionArn", out var arn) && arn.GetString() is { } functionArn)
                {
                    w.WriteString("function_urn", Urn(functionArn));
                }

                Copy(w, context, "condition", "condition");
                Copy(w, context, "approximateInvokeCount", "approximate_invoke_count");
                w.WriteEndObject();
                Copy(w, root, "requestPayload", "request_payload");
                if (root.TryGetProperty("responseContext", out var response))
                {
                    w.WriteStartObject("response_context");
                    Copy(w, response, "statusCode", "status_code");
                    Copy(w, response, "executedVersion", "executed_version");
                    Copy(w, response, "functionError", "function_error");
                    w.WriteEndObject();
                }

                Copy(w, root, "responsePayload", "response_payload");
                w.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }
    }

    /// <summary><c>arn:aws:lambda:r:a:function:name[:q]</c> → <c>urn:fss:r:a:function:default:name[:q]</c>.</summary>
    private static string Urn(string arn)
    {
        var parts = arn.Split(':');
        return parts.Length >= 7 && parts[5] == "function"
            ? $"urn:fss:{parts[3]}:{parts[4]}:function:default:{string.Join(':', parts[6..])}"
            : arn;
    }

    private static void Copy(Utf8JsonWriter writer, JsonElement from, string name, string to)
    {
        if (from.TryGetProperty(name, out var value))
        {
            writer.WritePropertyName(to);
            value.WriteTo(writer);
        }
    }
}
