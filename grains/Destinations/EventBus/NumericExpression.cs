using System.Text.Json;

namespace Orleans.AsyncInvoke.Destinations.EventBus;

/// <summary>
/// <c>numeric</c>: <c>["=", n]</c>, <c>["&lt;", n]</c>, <c>["&lt;=", n]</c>, <c>["&gt;", n]</c>, <c>["&gt;=", n]</c>, or a range
/// of a lower bound then an upper one (<c>["&gt;", 0, "&lt;=", 5]</c>); every operand a number from -5e9 to 5e9.
/// </summary>
internal static class NumericExpression
{
    public static ValueMatcher Parse(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidEventPatternException("Value of numeric must be an array.");
        }

        var items = value.EnumerateArray().ToArray();
        if (items.Length == 0 || items[0].ValueKind != JsonValueKind.String)
        {
            throw new InvalidEventPatternException($"Invalid member in numeric match: {(items.Length == 0 ? "]" : items[0].GetRawText())}");
        }

        var op = items[0].GetString()!;
        if (op is not ("=" or "<" or "<=" or ">" or ">="))
        {
            throw new InvalidEventPatternException($"Unrecognized numeric range operator: {op}");
        }

        var first = Operand(items, 1, op == "=" ? "equals" : op);
        switch (op)
        {
            case "=":
                NoMore(items, 2, "Too many elements in numeric expression");
                return new NumericRange(first, true, first, true);
            case "<" or "<=":
                NoMore(items, 2, "Too many elements in numeric expression");
                return new NumericRange(null, false, first, op == "<=");
        }

        if (items.Length == 2)
        {
            return new NumericRange(first, op == ">=", null, false);
        }

        var upperOp = items[2].ValueKind == JsonValueKind.String
            ? items[2].GetString()!
            : throw new InvalidEventPatternException($"Bad value in numeric range: {items[2].GetRawText()}");
        if (upperOp is not ("<" or "<="))
        {
            throw new InvalidEventPatternException($"Bad numeric range operator: {upperOp}");
        }

        var upper = Operand(items, 3, upperOp);
        NoMore(items, 4, "Too many terms in numeric range expression");
        return first < upper
            ? new NumericRange(first, op == ">=", upper, upperOp == "<=")
            : throw new InvalidEventPatternException("Bottom must be less than top");
    }

    private static long Operand(JsonElement[] items, int index, string op)
    {
        if (index >= items.Length || items[index].ValueKind != JsonValueKind.Number)
        {
            throw new InvalidEventPatternException($"Value of {op} must be numeric");
        }

        // A number too large for a double (1e400) is out of range like any other beyond 5e9.
        return (items[index].TryGetDouble(out var number) ? PatternNumbers.KeyOf(number) : null)
            ?? throw new InvalidEventPatternException(PatternNumbers.OutOfRange);
    }

    private static void NoMore(JsonElement[] items, int count, string reason)
    {
        if (items.Length > count)
        {
            throw new InvalidEventPatternException(reason);
        }
    }
}
