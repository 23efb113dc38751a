using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Orleans.AsyncInvoke.Invocations;

/// <summary>Writes Lambda's invocation record (version 1.0) for a finished invocation.</summary>
public static class InvocationRecordBuilder
{
    /// <summary>
    /// The most of each payload a record carries. A function destination's record is the next function's event, and
    /// an echoing function's record holds that event twice (request and response): without a bound a chain would
    /// double its record at every step. Past it the payload is replaced by a string saying what was left out, so a
    /// record stays under 600 KB and within every destination's accept limit.
    /// </summary>
    public const int MaxPayloadBytes = 256 * 1024;

    /// <summary>
    /// For reading a record (or an envelope around it) back: it holds the payloads as accepted, up to the reader's
    /// default of 64 levels, a few levels down, so it may nest deeper than that default.
    /// </summary>
    public static readonly JsonDocumentOptions ReadOptions = new() { MaxDepth = 128 };

    /// <summary>
    /// The inputs of a record. <paramref name="PayloadsLeftOut"/>: the invocation kept its outcome but not its payloads,
    /// so both are <c>null</c> and the response context is written all the same.
    /// </summary>
    public sealed record Input(
        string RequestId,
        string FunctionArn,
        string Condition,
        int ApproximateInvokeCount,
        DateTimeOffset Timestamp,
        byte[] RequestPayload,
        string ExecutedVersion,
        byte[]? ResponsePayload,
        bool FunctionError,
        bool PayloadsLeftOut = false);

    /// <summary>The record as JSON text.</summary>
    public static string Build(Input input)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps non-ASCII text as it was sent instead of turning it into \u escapes.
        using (var writer = new Utf8JsonWriter(buffer, ReadableJson.Writer))
        {
            writer.WriteStartObject();
            writer.WriteString("version", "1.0");
            writer.WriteString("timestamp", input.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteStartObject("requestContext");
            writer.WriteString("requestId", input.RequestId);
            writer.WriteString("functionArn", input.FunctionArn);
            writer.WriteString("condition", input.Condition);
            writer.WriteNumber("approximateInvokeCount", input.ApproximateInvokeCount);
            writer.WriteEndObject();
            writer.WritePropertyName("requestPayload");
            WriteBounded(writer, input.RequestPayload);
            if (input.ApproximateInvokeCount > 0 && (input.ResponsePayload is not null || input.PayloadsLeftOut))
            {
                writer.WriteStartObject("responseContext");
                writer.WriteNumber("statusCode", 200);
                writer.WriteString("executedVersion", input.ExecutedVersion);
                if (input.FunctionError)
                {
                    writer.WriteString("functionError", "Unhandled");
                }

                writer.WriteEndObject();
                writer.WritePropertyName("responsePayload");
                WriteBounded(writer, input.ResponsePayload ?? []);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteBounded(Utf8JsonWriter writer, byte[] payload)
    {
        if (payload.Length > MaxPayloadBytes)
        {
            writer.WriteStringValue(string.Create(CultureInfo.InvariantCulture,
                $"(payload of {payload.Length} bytes left out: a record carries at most {MaxPayloadBytes} bytes of each payload)"));
            return;
        }

        WritePayload(writer, payload);
    }

    /// <summary>
    /// Embeds a payload as JSON when it is JSON (nested at most <paramref name="maxDepth"/> levels: a payload's limit
    /// is the reader's default, a record's is <see cref="ReadOptions"/>'), and as a string otherwise.
    /// </summary>
    public static void WritePayload(Utf8JsonWriter writer, byte[] payload, int maxDepth = 64)
    {
        if (payload.Length == 0)
        {
            writer.WriteNullValue();
            return;
        }

        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = maxDepth });
            using var document = JsonDocument.ParseValue(ref reader);
            if (reader.BytesConsumed == payload.Length || IsTrailingWhitespace(payload, (int)reader.BytesConsumed))
            {
                // Written aside first: JSON the parser takes can still hold an escape no string can (a lone low
                // surrogate, "\uDC00"), which fails only while writing, and must not leave the record half written.
                var scratch = new System.Buffers.ArrayBufferWriter<byte>(payload.Length + 16);
                using (var aside = new Utf8JsonWriter(scratch, writer.Options with { MaxDepth = maxDepth + 1 }))
                {
                    document.RootElement.WriteTo(aside);
                }

                writer.WriteRawValue(scratch.WrittenSpan, skipInputValidation: true);
                return;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON, or JSON with an escape no string can hold: embedded as a string below.
        }

        writer.WriteStringValue(Encoding.UTF8.GetString(payload));
    }

    private static bool IsTrailingWhitespace(byte[] payload, int from)
    {
        for (var i = from; i < payload.Length; i++)
        {
            if (payload[i] is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }
}
