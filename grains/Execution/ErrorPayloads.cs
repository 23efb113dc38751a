using System.Text.Json;

namespace Orleans.AsyncInvoke.Execution;

/// <summary>Lambda's function-error body: <c>{"errorMessage": "...", "errorType": "..."}</c>.</summary>
public static class ErrorPayloads
{
    /// <summary>Serialises a function error the way Lambda returns it.</summary>
    public static byte[] Serialize(string errorType, string errorMessage)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, ReadableJson.Writer))
        {
            writer.WriteStartObject();
            writer.WriteString("errorMessage", errorMessage);
            writer.WriteString("errorType", errorType);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
