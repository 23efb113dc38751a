using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Orleans.AsyncInvoke.Destinations.EventBus;

/// <summary>
/// What a rule target receives of a matched event: the event itself, a constant <c>Input</c>, or the part an
/// <c>InputPath</c> selects. Paths are the JSONPath subset EventBridge documents for it: <c>$</c> followed by
/// <c>.name</c>, <c>['name']</c> and <c>[index]</c> steps.
/// </summary>
public static partial class EventTargetInput
{
    /// <summary>The body a target with <paramref name="input"/> or <paramref name="inputPath"/> receives of <paramref name="eventJson"/>.</summary>
    public static string For(string eventJson, string? input, string? inputPath)
    {
        if (input is not null)
        {
            return input;
        }

        if (inputPath is null)
        {
            return eventJson;
        }

        // A path that selects nothing sends JSON null rather than failing the delivery: retrying cannot make it match.
        return Select(JsonNode.Parse(eventJson), inputPath)?.ToJsonString(ReadableJson.Web) ?? "null";
    }

    /// <summary>Whether <paramref name="path"/> is a path <see cref="For"/> can follow.</summary>
    public static bool IsValidPath(string path) => path.Length <= 256 && Path().IsMatch(path);

    /// <summary>Whether <paramref name="text"/> is one JSON value, as <c>Input</c> must be.</summary>
    public static bool IsJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static JsonNode? Select(JsonNode? node, string path)
    {
        foreach (Match step in Step().Matches(path[1..]))
        {
            if (node is null)
            {
                return null;
            }

            if (step.Groups["index"].Success)
            {
                var index = int.Parse(step.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture);
                node = node is JsonArray array && index < array.Count ? array[index] : null;
            }
            else
            {
                var name = step.Groups["name"].Success ? step.Groups["name"].Value : step.Groups["quoted"].Value;
                node = node is JsonObject obj && obj.TryGetPropertyValue(name, out var value) ? value : null;
            }
        }

        return node;
    }

    [GeneratedRegex(@"^\$((\.[A-Za-z0-9_\-]+)|(\['[^']+'\])|(\[[0-9]{1,6}\]))*$", RegexOptions.CultureInvariant)]
    private static partial Regex Path();

    [GeneratedRegex(@"\.(?<name>[A-Za-z0-9_\-]+)|\['(?<quoted>[^']+)'\]|\[(?<index>[0-9]{1,6})\]", RegexOptions.CultureInvariant)]
    private static partial Regex Step();
}
