using System.Text.Json;

namespace Orleans.AsyncInvoke.Destinations.EventBus;

/// <summary>
/// <c>anything-but</c>: a string or number, a list of strings or of numbers, or one of <c>{"prefix": s}</c>,
/// <c>{"suffix": s}</c>, <c>{"wildcard": s | [s…]}</c>, <c>{"equals-ignore-case": s | [s…]}</c>.
/// </summary>
internal static class AnythingBut
{
    private const string MixedList = "Inside anything but list, either all values are number or string, mixed type is not supported";

    public static ValueMatcher Parse(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => new Not(new ExactString(value.GetString()!)),
        JsonValueKind.Number => new NumberOtherThan(new HashSet<long> { Number(value) }),
        JsonValueKind.Array => List(value),
        JsonValueKind.Object => Expression(value),
        _ => throw new InvalidEventPatternException("Value of anything-but must be an array or single string/number value."),
    };

    private static ValueMatcher List(JsonElement values)
    {
        var items = values.EnumerateArray().ToArray();
        if (items.Any(i => i.ValueKind is not (JsonValueKind.String or JsonValueKind.Number)))
        {
            throw new InvalidEventPatternException("Inside anything but list, start|null|boolean is not supported.");
        }

        if (items.Length > 0 && items.All(i => i.ValueKind == JsonValueKind.String))
        {
            return new Not(new AnyOf([.. items.Select(i => new ExactString(i.GetString()!))]));
        }

        return items.Length > 0 && items.All(i => i.ValueKind == JsonValueKind.Number)
            ? new NumberOtherThan(items.Select(Number).ToHashSet())
            : throw new InvalidEventPatternException(MixedList);
    }

    private static ValueMatcher Expression(JsonElement expression)
    {
        var members = MatchExpressions.Members(expression);
        if (members.Count == 0)
        {
            throw new InvalidEventPatternException("Anything-But expression name not found");
        }

        var (name, operand) = (members[0].Name, members[0].Value);
        ValueMatcher excluded = name switch
        {
            "prefix" => new Prefix(Affix(operand), ignoreCase: false),
            "suffix" => new Suffix(Affix(operand), ignoreCase: false),
            "equals-ignore-case" => Strings(operand, name, s => new EqualsIgnoreCase(s)),
            "wildcard" => Strings(operand, name, Wildcard.Parse),
            _ => throw new InvalidEventPatternException($"Unsupported anything-but pattern: {name}"),
        };
        return members.Count == 1 ? new Not(excluded) : throw new InvalidEventPatternException("Only one key allowed in match expression");
    }

    private static string Affix(JsonElement operand)
    {
        var text = operand.ValueKind == JsonValueKind.String
            ? operand.GetString()!
            : throw new InvalidEventPatternException("prefix/suffix match pattern must be a string");
        return text.Length > 0 ? text : throw new InvalidEventPatternException("Null prefix/suffix not allowed");
    }

    /// <summary>One string, or a non-empty list of strings, each made a matcher.</summary>
    private static ValueMatcher Strings(JsonElement operand, string name, Func<string, ValueMatcher> create)
    {
        if (operand.ValueKind == JsonValueKind.String)
        {
            return create(operand.GetString()!);
        }

        var items = operand.ValueKind == JsonValueKind.Array ? operand.EnumerateArray().ToArray() : [];
        return items.Length > 0 && items.All(i => i.ValueKind == JsonValueKind.String)
            ? new AnyOf([.. items.Select(i => create(i.GetString()!))])
            : throw new InvalidEventPatternException($"Inside anything-but/{name} list, number|start|null|boolean is not supported.");
    }

    private static long Number(JsonElement number) =>
        (number.TryGetDouble(out var value) ? PatternNumbers.KeyOf(value) : null)
        ?? throw new InvalidEventPatternException(PatternNumbers.OutOfRange);
}
