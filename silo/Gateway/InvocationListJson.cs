using System.Text;
using System.Text.Json;
using Orleans.AsyncInvoke.Invocations;

namespace Orleans.AsyncInvoke.Silo.Gateway;

/// <summary>The JSON of <c>GET /invocations</c>: the page's invocations (as the status shows them, without history and record) and the next token.</summary>
internal static class InvocationListJson
{
    public static string Write(InvocationPage page)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, ReadableJson.Writer))
        {
            w.WriteStartObject();
            w.WriteStartArray("invocations");
            foreach (var s in page.Items)
            {
                w.WriteStartObject();
                w.WriteString("requestId", s.RequestId);
                w.WriteString("functionName", s.FunctionName);
                w.WriteString("qualifier", s.Qualifier);
                w.WriteString("status", s.Phase.ToString());
                w.WriteNumber("attempts", s.AttemptCount);
                w.WriteString("receivedAt", s.ReceivedAt);
                InvocationStatusJson.WriteTime(w, "nextAttemptAt", s.NextAttemptAt);
                InvocationStatusJson.WriteTime(w, "completedAt", s.CompletedAt);
                InvocationStatusJson.WriteText(w, "condition", s.Condition);

                w.WriteEndObject();
            }

            w.WriteEndArray();
            InvocationStatusJson.WriteText(w, "next", page.Next);

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
