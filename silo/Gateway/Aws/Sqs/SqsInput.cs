using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orleans.AsyncInvoke.Silo.Gateway.Aws.Sqs;

/// <summary>
/// Reads an operation's input members, whichever protocol brought them: the JSON protocol sends numbers as numbers,
/// the query protocol as strings; both are taken. A member of the wrong kind is an <c>InvalidParameterValue</c>.
/// </summary>
internal static class SqsInput
{
    public static string? String(JsonObject input, string name) => input[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value when value.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.ToJsonString(),
        _ => throw SqsErrors.InvalidParameterValue($"The parameter {name} must be a string."),
    };

    public static string Required(JsonObject input, string name) =>
        String(input, name) is { Length: > 0 } value ? value : throw SqsErrors.MissingParameter(name);

    /// <summary>An integer member within bounds, or <c>null</c> when absent.</summary>
    public static int? Int(JsonObject input, string name, int min, int max)
    {
        var node = input[name];
        if (node is null)
        {
            return null;
        }

        int? value = node is JsonValue v
            ? v.GetValueKind() switch
            {
                JsonValueKind.Number when v.TryGetValue<int>(out var n) => n,
                JsonValueKind.Number when v.TryGetValue<double>(out var d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue => (int)d,
                JsonValueKind.String when int.TryParse(v.GetValue<string>(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => n,
                _ => null,
            }
            : null;
        if (value is not { } number)
        {
            throw SqsErrors.InvalidParameterValue($"Value {SqsErrors.Shown(node.ToJsonString())} for parameter {name} is invalid. Reason: must be an integer.");
        }

        return number >= min && number <= max
            ? number
            : throw SqsErrors.InvalidParameterValue($"Value {number} for parameter {name} is invalid. Reason: must be between {min} and {max}.");
    }

    public static IReadOnlyList<string> Strings(JsonObject input, string name) => input[name] switch
    {
        null => [],
        JsonArray list => [.. list.Select(item => item is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw SqsErrors.InvalidParameterValue($"The parameter {name} must be a list of strings."))],
        _ => throw SqsErrors.InvalidParameterValue($"The parameter {name} must be a list of strings."),
    };

    public static IReadOnlyDictionary<string, string> Map(JsonObject input, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (input[name])
        {
            case null:
                return map;
            case JsonObject members:
                foreach (var (key, value) in members)
                {
                    map[key] = value is JsonValue v && v.GetValueKind() == JsonValueKind.String
                        ? v.GetValue<string>()
                        : value is JsonValue n ? n.ToJsonString() : throw SqsErrors.InvalidParameterValue($"The value of {name}.{key} must be a string.");
                }

                return map;
            default:
                throw SqsErrors.InvalidParameterValue($"The parameter {name} must be a map of strings.");
        }
    }

    public static IReadOnlyList<JsonObject> Objects(JsonObject input, string name) => input[name] switch
    {
        null => [],
        JsonArray list => [.. list.Select(item => item as JsonObject ?? throw SqsErrors.InvalidParameterValue($"The members of {name} must be structures."))],
        _ => throw SqsErrors.InvalidParameterValue($"The parameter {name} must be a list."),
    };
}
