using System.Text.Json;

namespace Orleans.AsyncInvoke.Destinations.EventBus;

/// <summary>
/// EventBridge event patterns: nested objects narrow to fields, arrays list accepted values, and the matchers
/// <c>prefix</c>, <c>anything-but</c>, <c>exists</c> and <c>numeric</c> compare a field.
/// </summary>
public static class EventPattern
{
    /// <summary>
    /// How deep fields may nest: far more than any event needs, and shallow enough that a stored pattern can always be
    /// written back inside an answer (JSON writers stop at a depth of 64).
    /// </summary>
    public const int MaxDepth = 32;

    private static readonly string[] NumericOperators = ["=", ">", ">=", "<", "<="];

    /// <summary>Why the pattern is not a valid EventBridge pattern, or <c>null</c> when it is.</summary>
    public static string? Validate(string pattern)
    {
        try
        {
            using var document = JsonDocument.Parse(pattern);
            return document.RootElement.ValueKind == JsonValueKind.Object ? ValidateObject(document.RootElement, 1) : "The event pattern must be a JSON object.";
        }
        catch (JsonException ex)
        {
            return $"The event pattern is not JSON: {ex.Message}";
        }
    }

    /// <summary>Whether <paramref name="event"/> matches <paramref name="pattern"/>.</summary>
    public static bool Matches(string pattern, JsonElement @event)
    {
        using var document = JsonDocument.Parse(pattern);
        return MatchesObject(document.RootElement, @event);
    }

    private static string? ValidateObject(JsonElement pattern, int depth)
    {
        if (depth > MaxDepth)
        {
            return $"The event pattern nests fields deeper than {MaxDepth} levels.";
        }

        foreach (var field in pattern.EnumerateObject())
        {
            var problem = field.Value.ValueKind switch
            {
                JsonValueKind.Object => ValidateObject(field.Value, depth + 1),
                JsonValueKind.Array => field.Value.EnumerateArray().Select(ValidateMatcher).FirstOrDefault(p => p is not null),
                _ => $"Field '{field.Name}' of the event pattern must be an object or an array.",
            };
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>A value to compare (string, number, boolean, null) or a matcher object of exactly one known member.</summary>
    private static string? ValidateMatcher(JsonElement matcher)
    {
        if (IsScalar(matcher))
        {
            return null;
        }

        var members = matcher.ValueKind == JsonValueKind.Object ? matcher.EnumerateObject().ToList() : [];
        var valid = members.Count == 1 && members[0].Name switch
        {
            "prefix" => members[0].Value.ValueKind == JsonValueKind.String,
            "exists" => members[0].Value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "anything-but" => IsAnythingBut(members[0].Value),
            "numeric" => IsNumeric(members[0].Value),
            _ => false,
        };
        return valid ? null : $"Unsupported matcher {matcher.GetRawText()}: use a value, or one of prefix, anything-but, exists or numeric.";
    }

    private static bool IsScalar(JsonElement value) =>
        value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null;

    private static bool IsAnythingBut(JsonElement excluded) => excluded.ValueKind switch
    {
        JsonValueKind.Array => excluded.EnumerateArray().All(IsScalar),
        JsonValueKind.Object => excluded.EnumerateObject().Count() == 1 && excluded.TryGetProperty("prefix", out var prefix) && prefix.ValueKind == JsonValueKind.String,
        _ => IsScalar(excluded),
    };

    /// <summary><c>[op, bound]</c> or <c>[op, bound, op, bound]</c>.</summary>
    private static bool IsNumeric(JsonElement conditions)
    {
        if (conditions.ValueKind != JsonValueKind.Array || conditions.GetArrayLength() is not (2 or 4))
        {
            return false;
        }

        var items = conditions.EnumerateArray().ToArray();
        for (var i = 0; i < items.Length; i += 2)
        {
            if (items[i].ValueKind != JsonValueKind.String || !NumericOperators.Contains(items[i].GetString())
                || items[i + 1].ValueKind != JsonValueKind.Number)
            {
                return false;
            }
        }

        return true;
    }

    private static bool MatchesObject(JsonElement pattern, JsonElement @event)
    {
        foreach (var field in pattern.EnumerateObject())
        {
            var value = default(JsonElement);
            var present = @event.ValueKind == JsonValueKind.Object && @event.TryGetProperty(field.Name, out value);
            if (field.Value.ValueKind == JsonValueKind.Object)
            {
                if (!present || !MatchesObject(field.Value, value))
                {
                    return false;
                }

                continue;
            }

            if (!present)
            {
                // Only "exists": false accepts a missing field.
                if (!field.Value.EnumerateArray().Any(m => m.ValueKind == JsonValueKind.Object && m.TryGetProperty("exists", out var e) && e.ValueKind == JsonValueKind.False))
                {
                    return false;
                }

                continue;
            }

            var candidates = value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray()] : new[] { value };
            if (!field.Value.EnumerateArray().Any(matcher => candidates.Any(candidate => MatchesValue(matcher, candidate))))
            {
                return false;
            }
        }

        return true;
    }

    private static bool MatchesValue(JsonElement matcher, JsonElement value)
    {
        if (matcher.ValueKind != JsonValueKind.Object)
        {
            return Same(matcher, value);
        }

        var property = matcher.EnumerateObject().First();
        return property.Name switch
        {
            "prefix" => value.ValueKind == JsonValueKind.String && value.GetString()!.StartsWith(property.Value.GetString()!, StringComparison.Ordinal),
            "exists" => property.Value.ValueKind == JsonValueKind.True,
            "anything-but" => !AnythingBut(property.Value, value),
            "numeric" => value.ValueKind == JsonValueKind.Number && Numeric(property.Value, value.GetDouble()),
            _ => false,
        };
    }

    /// <summary>Whether <paramref name="value"/> is one of the excluded values.</summary>
    private static bool AnythingBut(JsonElement excluded, JsonElement value) => excluded.ValueKind switch
    {
        JsonValueKind.Array => excluded.EnumerateArray().Any(e => Same(e, value)),
        JsonValueKind.Object when excluded.TryGetProperty("prefix", out var prefix) =>
            value.ValueKind == JsonValueKind.String && value.GetString()!.StartsWith(prefix.GetString() ?? "", StringComparison.Ordinal),
        _ => Same(excluded, value),
    };

    private static bool Numeric(JsonElement conditions, double number)
    {
        var items = conditions.EnumerateArray().ToArray();
        for (var i = 0; i + 1 < items.Length; i += 2)
        {
            var bound = items[i + 1].GetDouble();
            var ok = items[i].GetString() switch
            {
                "=" => number == bound,
                ">" => number > bound,
                ">=" => number >= bound,
                "<" => number < bound,
                "<=" => number <= bound,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool Same(JsonElement a, JsonElement b) => (a.ValueKind, b.ValueKind) switch
    {
        (JsonValueKind.String, JsonValueKind.String) => a.GetString() == b.GetString(),
        (JsonValueKind.Number, JsonValueKind.Number) => a.GetDouble() == b.GetDouble(),
        (JsonValueKind.True, JsonValueKind.True) or (JsonValueKind.False, JsonValueKind.False) or (JsonValueKind.Null, JsonValueKind.Null) => true,
        _ => false,
    };
}
