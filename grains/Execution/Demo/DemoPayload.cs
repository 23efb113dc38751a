using System.Text.Json;

namespace Orleans.AsyncInvoke.Execution.Demo;

/// <summary>Reads optional numeric settings from a demo function's JSON payload.</summary>
internal static class DemoPayload
{
    public static int ReadInt(byte[] payload, string property, int fallback)
    {
        try
        {
            using var doc = JsonDocument.Parse(payload);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty(property, out var value)
                && value.TryGetInt32(out var number)
                ? number
                : fallback;
        }
        catch (JsonException)
        {
            return fallback;
        }
    }

    public static string? ReadString(byte[] payload, string property)
    {
        try
        {
            using var doc = JsonDocument.Parse(payload);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty(property, out var value)
                && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
