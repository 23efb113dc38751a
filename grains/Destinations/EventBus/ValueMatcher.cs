using System.Text.Json;

namespace Orleans.AsyncInvoke.Destinations.EventBus;

/// <summary>Whether one leaf value of an event (a string, number, boolean or null) satisfies one entry of a field's list.</summary>
internal abstract class ValueMatcher
{
    public abstract bool Matches(JsonElement leaf);

    protected static string? Text(JsonElement leaf) => leaf.ValueKind == JsonValueKind.String ? leaf.GetString() : null;
}

/// <summary>An exact string.</summary>
internal sealed class ExactString(string value) : ValueMatcher
{
    public override bool Matches(JsonElement leaf) => Text(leaf) is { } text && string.Equals(text, value, StringComparison.Ordinal);
}

/// <summary>
/// An exact number: numbers EventBridge can compare match by value (<c>300</c> matches <c>300.0</c>); larger ones, such as
/// account ids, match only as the same literal.
/// </summary>
internal sealed class ExactNumber(JsonElement value) : ValueMatcher
{
    private readonly string _literal = value.GetRawText();
    private readonly long? _key = PatternNumbers.KeyOf(value);

    public override bool Matches(JsonElement leaf) =>
        leaf.ValueKind == JsonValueKind.Number
        && (_key is { } key && PatternNumbers.KeyOf(leaf) == key || string.Equals(leaf.GetRawText(), _literal, StringComparison.Ordinal));
}

/// <summary><c>true</c>, <c>false</c> or <c>null</c>.</summary>
internal sealed class ExactLiteral(JsonValueKind kind) : ValueMatcher
{
    public override bool Matches(JsonElement leaf) => leaf.ValueKind == kind;
}

/// <summary><c>exists: true</c>: any leaf value, <c>null</c> included.</summary>
internal sealed class AnyValue : ValueMatcher
{
    public static readonly AnyValue Instance = new();

    public override bool Matches(JsonElement leaf) => true;
}

/// <summary><c>prefix</c>, optionally ignoring case.</summary>
internal sealed class Prefix(string prefix, bool ignoreCase) : ValueMatcher
{
    public override bool Matches(JsonElement leaf) =>
        Text(leaf) is { } text && text.StartsWith(prefix, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}

/// <summary><c>suffix</c>, optionally ignoring case.</summary>
internal sealed class Suffix(string suffix, bool ignoreCase) : ValueMatcher
{
    public override bool Matches(JsonElement leaf) =>
        Text(leaf) is { } text && text.EndsWith(suffix, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}

/// <summary><c>equals-ignore-case</c>.</summary>
internal sealed class EqualsIgnoreCase(string value) : ValueMatcher
{
    public override bool Matches(JsonElement leaf) => Text(leaf) is { } text && string.Equals(text, value, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Any of several matchers (the lists inside <c>anything-but</c>).</summary>
internal sealed class AnyOf(IReadOnlyList<ValueMatcher> matchers) : ValueMatcher
{
    public override bool Matches(JsonElement leaf) => matchers.Any(m => m.Matches(leaf));
}

/// <summary>
/// <c>anything-but</c> over strings: any leaf the inner matcher refuses, so a number or <c>null</c> is "anything but" a
/// string. A missing field is not a value and never matches.
/// </summary>
internal sealed class Not(ValueMatcher inner) : ValueMatcher
{
    public override bool Matches(JsonElement leaf) => !inner.Matches(leaf);
}

/// <summary><c>anything-but</c> over numbers: a comparable number other than those listed; strings never match.</summary>
internal sealed class NumberOtherThan(IReadOnlySet<long> excluded) : ValueMatcher
{
    public override bool Matches(JsonElement leaf) => PatternNumbers.KeyOf(leaf) is { } key && !excluded.Contains(key);
}

/// <summary><c>numeric</c>: a comparable number inside the bounds; a bound that is <c>null</c> is open-ended.</summary>
internal sealed class NumericRange(long? lower, bool lowerInclusive, long? upper, bool upperInclusive) : ValueMatcher
{
    public override bool Matches(JsonElement leaf) =>
        PatternNumbers.KeyOf(leaf) is { } key
        && (lower is not { } low || (lowerInclusive ? key >= low : key > low))
        && (upper is not { } high || (upperInclusive ? key <= high : key < high));
}
