using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orleans.AsyncInvoke.Silo.Gateway.Aws.Events;

/// <summary>
/// One <c>PutEvents</c> entry, checked as EventBridge checks it, and the event it becomes:
/// <c>{"version":"0","id","detail-type","source","account","time","region","resources","detail"}</c>.
/// </summary>
internal static class EventEntry
{
    /// <summary>The most bytes of one entry, as EventBridge counts them (source, detail-type, detail, resources).</summary>
    public const int MaxEntryBytes = 256 * 1024;

    /// <summary>Why the entry cannot be put (EventBridge's per-entry error code and message), or <c>null</c>.</summary>
    public static (string Code, string Message)? Problem(JsonObject entry)
    {
        string? Text(string name) => entry[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        if (string.IsNullOrEmpty(Text("Source")))
        {
            return ("InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument.");
        }

        if (string.IsNullOrEmpty(Text("DetailType")))
        {
            return ("InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument.");
        }

        if (Text("Detail") is not { Length: > 0 } detail)
        {
            return ("InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument.");
        }

        if (!IsObject(detail))
        {
            return ("MalformedDetail", "Detail is malformed.");
        }

        if (entry["Resources"] is { } resources && (resources is not JsonArray list || list.Any(r => r is not JsonValue rv || rv.GetValueKind() != JsonValueKind.String)))
        {
            return ("InvalidArgument", "Parameter Resources is not valid. Reason: Resources must be a list of ARNs.");
        }

        if (entry["Time"] is { } t && TimeOf(t) is null)
        {
            return ("InvalidArgument", "Parameter Time is not valid. Reason: Time must be a timestamp.");
        }

        var size = Encoding.UTF8.GetByteCount(Text("Source")!) + Encoding.UTF8.GetByteCount(Text("DetailType")!) + Encoding.UTF8.GetByteCount(detail)
            + ((entry["Resources"] as JsonArray)?.Sum(r => Encoding.UTF8.GetByteCount((string)r!)) ?? 0);
        return size > MaxEntryBytes ? ("InvalidArgument", $"Parameter Entries is not valid. Reason: an entry is larger than {MaxEntryBytes} bytes.") : null;
    }

    /// <summary>The event of a checked entry.</summary>
    public static string Envelope(JsonObject entry, string id, string account, string region, DateTimeOffset now)
    {
        var at = entry["Time"] is { } t ? TimeOf(t)!.Value : now;
        var e = new JsonObject
        {
            ["version"] = "0",
            ["id"] = id,
            ["detail-type"] = (string)entry["DetailType"]!,
            ["source"] = (string)entry["Source"]!,
            ["account"] = account,
            ["time"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["region"] = region,
            ["resources"] = new JsonArray([.. ((entry["Resources"] as JsonArray) ?? []).Select(r => (JsonNode?)(string)r!)]),
            ["detail"] = JsonNode.Parse((string)entry["Detail"]!),
        };
        return e.ToJsonString(ReadableJson.Web);
    }

    /// <summary>
    /// A timestamp as the SDKs send one in AWS JSON (epoch seconds, possibly fractional) or as ISO 8601 text.
    /// </summary>
    public static DateTimeOffset? TimeOf(JsonNode node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        if (value.GetValueKind() == JsonValueKind.Number
            && double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 0 and < 253402300800)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
        }

        return value.GetValueKind() == JsonValueKind.String
            && DateTimeOffset.TryParse(value.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : null;
    }

    /// <summary>Whether <paramref name="text"/> is a JSON object (a detail or an event must be).</summary>
    public static bool IsObject(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
