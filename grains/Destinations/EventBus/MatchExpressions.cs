using System.Text.Json;

namespace Orleans.AsyncInvoke.Destinations.EventBus;

/// <summary>The matcher objects of a field's list (<c>{"prefix": …}</c>, <c>{"numeric": […]}</c>, …), checked as EventBridge checks them.</summary>
internal static class MatchExpressions
{
    private const string OneKey = "Only one key allowed in match expression";

    /// <summary>Whether <paramref name="expression"/> is exactly <c>{"exists": false}</c>.</summary>
    public static bool IsAbsence(JsonElement expression) =>
        expression.TryGetProperty("exists", out var exists) && exists.ValueKind == JsonValueKind.False && Members(expression).Count == 1;

    public static ValueMatcher Parse(JsonElement expression)
    {
        var members = Members(expression);
        if (members.Count == 0)
        {
            throw new InvalidEventPatternException("Match expression name not found");
        }

        var (name, value) = (members[0].Name, members[0].Value);
        ValueMatcher matcher = name switch
        {
            "prefix" => Affix(value, "prefix") switch { var (text, ignoreCase) => new Prefix(text, ignoreCase) },
            "suffix" => Affix(value, "suffix") switch { var (text, ignoreCase) => new Suffix(text, ignoreCase) },
            "equals-ignore-case" => new EqualsIgnoreCase(StringOperand(value, "equals-ignore-case")),
            "wildcard" => Wildcard.Parse(StringOperand(value, "wildcard")),
            "cidr" => CidrRange.Parse(StringOperand(value, "cidr")),
            // {"exists": false} alone is absence, taken before this; here it has company and is refused for that below.
            "exists" => value.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? AnyValue.Instance
                : throw new InvalidEventPatternException("exists match pattern must be either true or false."),
            "numeric" => NumericExpression.Parse(value),
            "anything-but" => AnythingBut.Parse(value),
            _ => throw new InvalidEventPatternException($"Unrecognized match type {name}"),
        };
        return members.Count == 1 ? matcher : throw new InvalidEventPatternException(OneKey);
    }

    internal static List<JsonProperty> Members(JsonElement expression) => [.. expression.EnumerateObject()];

    internal static string StringOperand(JsonElement value, string name) => value.ValueKind == JsonValueKind.String
        ? value.GetString()!
        : throw new InvalidEventPatternException($"{name} match pattern must be a string");

    /// <summary><c>prefix</c> / <c>suffix</c>: a string, or <c>{"equals-ignore-case": string}</c>.</summary>
    private static (string Text, bool IgnoreCase) Affix(JsonElement value, string name)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return (value.GetString()!, false);
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidEventPatternException($"{name} match pattern must be a string");
        }

        var members = Members(value);
        if (members.Count == 0 || members[0].Name != "equals-ignore-case")
        {
            throw new InvalidEventPatternException($"Unsupported {name} pattern: {(members.Count == 0 ? "{}" : members[0].Name)}");
        }

        var text = StringOperand(members[0].Value, "equals-ignore-case");
        return members.Count == 1 ? (text, true) : throw new InvalidEventPatternException(OneKey);
    }
}
