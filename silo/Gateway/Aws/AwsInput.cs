using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orleans.AsyncInvoke.Silo.Gateway.Aws;

/// <summary>
/// Reads an operation's input members whichever protocol brought them (the query protocol sends every scalar as a
/// string); a member of the wrong kind is the service's own invalid-parameter error.
/// </summary>
/// <param name="invalid">The service's error for a bad value.</param>
/// <param name="missing">The service's error for a missing member, given its name.</param>
internal sealed class AwsInput(Func<string, AwsServiceException> invalid, Func<string, AwsServiceException> missing)
{
    public string? String(JsonObject input, string name) => input[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value when value.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.ToJsonString(),
        _ => throw invalid($"The parameter {name} must be a string."),
    };

    public string Required(JsonObject input, string name) =>
        String(input, name) is { Length: > 0 } value ? value : throw missing(name);

    /// <summary>An integer member within bounds, or <c>null</c> when absent.</summary>
    public int? Int(JsonObject input, string name, int min, int max)
    {
        var text = input[name] switch
        {
            null => null,
            JsonValue v when v.GetValueKind() is JsonValueKind.Number or JsonValueKind.String => v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString(),
            _ => throw invalid($"The parameter {name} must be an integer."),
        };
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw invalid($"Value {Shown(text)} at '{name}' failed to satisfy constraint: Member must be an integer between {min} and {max}.");
    }

    /// <summary>A boolean member (<c>true</c>/<c>false</c>, any case, as the query protocol sends them), or <c>null</c>.</summary>
    public bool? Bool(JsonObject input, string name) => input[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() is JsonValueKind.True => true,
        JsonValue v when v.GetValueKind() is JsonValueKind.False => false,
        JsonValue v when v.GetValueKind() == JsonValueKind.String && bool.TryParse(v.GetValue<string>(), out var b) => b,
        _ => throw invalid($"The parameter {name} must be true or false."),
    };

    public IReadOnlyList<string> Strings(JsonObject input, string name) => input[name] switch
    {
        null => [],
        JsonArray list => [.. list.Select(item => item is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw invalid($"The parameter {name} must be a list of strings."))],
        _ => throw invalid($"The parameter {name} must be a list of strings."),
    };

    public IReadOnlyDictionary<string, string> Map(JsonObject input, string name)
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
                        : throw invalid($"The value of {name}.{key} must be a string.");
                }

                return map;
            default:
                throw invalid($"The parameter {name} must be a map of strings.");
        }
    }

    public IReadOnlyList<JsonObject> Objects(JsonObject input, string name) => input[name] switch
    {
        null => [],
        JsonArray list => [.. list.Select(item => item as JsonObject ?? throw invalid($"The members of {name} must be structures."))],
        _ => throw invalid($"The parameter {name} must be a list."),
    };

    public JsonObject? Object(JsonObject input, string name) => input[name] switch
    {
        null => null,
        JsonObject structure => structure,
        _ => throw invalid($"The parameter {name} must be a structure."),
    };

    /// <summary>The name a list call's <c>NextToken</c> continues after, or <c>null</c> on the first page.</summary>
    public string? After(JsonObject input)
    {
        if (String(input, "NextToken") is not { Length: > 0 } token)
        {
            return null;
        }

        try
        {
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw invalid("The NextToken is not valid.");
        }
    }

    /// <summary>The <c>NextToken</c> of a page that ends with <paramref name="last"/>.</summary>
    public static string Token(string last) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(last));

    /// <summary>Caller text echoed in an error: bounded.</summary>
    public static string Shown(string text) => text.Length > 200 ? text[..200] + "…" : text;
}
