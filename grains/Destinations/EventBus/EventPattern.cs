using System.Text.Json;

namespace Orleans.AsyncInvoke.Destinations.EventBus;

/// <summary>
/// EventBridge event patterns: nested objects narrow to fields, arrays list accepted values, and the matchers
/// <c>prefix</c>, <c>anything-but</c>, <c>exists</c> and <c>numeric</c> compare a field.
/// </summary>
public static class EventPattern
{
    /// <summary>Why the pattern is not a valid EventBridge pattern, or <c>null</c> when it is.</summary>
    public static string? Validate(string pattern)
    {
        try
        {
            using var document = JsonDocument.Parse(pattern);
            return document.RootElement.ValueKind == JsonValueKind.Object ? ValidateObject(document.RootElement) : "The event pattern must be a JSON object.";
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

    private static string? ValidateObject(JsonElement pattern)
    {
        foreach (var field in pattern.EnumerateObject())
        {
            var problem = field.Value.ValueKind switch
            {
                JsonValueKind.Object => ValidateObject(field.Value),
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

    private static string? ValidateMatcher(JsonElement matcher)
    {
        if (matcher.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var property = matcher.EnumerateObject().FirstOrDefault();
        return property.Name switch
        {
            "prefix" when property.Value.ValueKind == JsonValueKind.String => null,
            "exists" when property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False => null,
            "anything-but" => null,
            "numeric" when property.Value.ValueKind == JsonValueKind.Array && property.Value.GetArrayLength() is 2 or 4 => null,
            _ => $"Unsupported matcher {matcher.GetRawText()}: use prefix, anything-but, exists or numeric.",
        };
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
