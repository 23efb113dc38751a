using System.Text;
using System.Text.Json;
using Orleans.AsyncInvoke.Invocations;

namespace Orleans.AsyncInvoke.Silo.Gateway;

/// <summary>The JSON of <c>GET /invocations/{requestId}</c>.</summary>
internal static class InvocationStatusJson
{
    public static string Write(InvocationStatus s)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, ReadableJson.Writer))
        {
            w.WriteStartObject();
            w.WriteString("requestId", s.RequestId);
            w.WriteString("functionName", s.FunctionName);
            w.WriteString("qualifier", s.Qualifier);
            w.WriteString("status", s.Phase.ToString());
            w.WriteNumber("attempts", s.AttemptCount);
            w.WriteNumber("throttles", s.ThrottleCount);
            w.WriteString("receivedAt", s.ReceivedAt);
            WriteTime(w, "nextAttemptAt", s.NextAttemptAt);
            WriteTime(w, "completedAt", s.CompletedAt);
            if (s.CancelRequested)
            {
                w.WriteBoolean("cancelRequested", true);
            }

            if (s.RedrivenAt is { } redriven)
            {
                w.WriteString("redrivenAt", redriven);
            }
            WriteText(w, "condition", s.Condition);
            if (s.LastError is null)
            {
                w.WriteNull("lastError");
            }
            else
            {
                w.WriteStartObject("lastError");
                w.WriteString("errorType", s.LastError.ErrorType);
                w.WriteString("errorMessage", s.LastError.ErrorMessage);
                w.WriteEndObject();
            }

            w.WriteStartArray("history");
            foreach (var h in s.History)
            {
                w.WriteStartObject();
                w.WriteNumber("attempt", h.Attempt);
                w.WriteString("outcome", h.Outcome);
                WriteTime(w, "dueAt", h.DueAt);
                w.WriteString("startedAt", h.StartedAt);
                WriteTime(w, "finishedAt", h.FinishedAt);
                if (h.Error is not null)
                {
                    w.WriteString("errorType", h.Error.ErrorType);
                    w.WriteString("errorMessage", h.Error.ErrorMessage);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteText(w, "payloadPreview", s.PayloadPreview);
            w.WriteNumber("payloadBytes", s.PayloadBytes);
            WriteText(w, "traceId", s.TraceParent is { Length: 55 } tp ? tp[3..35] : null);
            w.WritePropertyName("record");
            if (s.Record is null)
            {
                w.WriteNullValue();
            }
            else
            {
                // The record is JSON the runtime wrote, embedding the payload as accepted (up to 64 levels deep) one or
                // two levels down: checking it again would stop at the reader's default depth of 64 and fail the read.
                w.WriteRawValue(s.Record, skipInputValidation: true);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A string, or <c>null</c>.</summary>
    internal static void WriteText(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    /// <summary>A time, or <c>null</c>: the status and the listing write their times alike.</summary>
    internal static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            w.WriteString(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
