using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Orleans.AsyncInvoke.Destinations.EventBus;

/// <summary>
/// An EventBridge event pattern, parsed and checked once: exact values, <c>prefix</c>, <c>suffix</c>, <c>anything-but</c>,
/// <c>numeric</c>, <c>exists</c>, <c>equals-ignore-case</c>, <c>wildcard</c>, <c>cidr</c>, <c>$or</c> and nested fields, with
/// EventBridge's meaning for each. A pattern EventBridge would refuse never parses, so a stored rule always evaluates.
/// </summary>
public sealed class EventPattern
{
    /// <summary>
    /// How deep fields may nest: far more than any event needs, and shallow enough that a stored pattern can always be
    /// written back inside an answer (JSON writers stop at a depth of 64).
    /// </summary>
    public const int MaxDepth = 32;

    private readonly IReadOnlyList<PatternNode> _conditions;

    private EventPattern(IReadOnlyList<PatternNode> conditions) => _conditions = conditions;

    /// <summary>Parses <paramref name="json"/>; <see cref="InvalidEventPatternException"/> says why EventBridge would refuse it.</summary>
    public static EventPattern Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return new EventPattern(EventPatternParser.Parse(document.RootElement));
        }
        catch (JsonException ex)
        {
            throw new InvalidEventPatternException(ex.Message);
        }
    }

    /// <summary>Parses <paramref name="json"/>, or gives EventBridge's reason for refusing it.</summary>
    public static bool TryParse(string json, [NotNullWhen(true)] out EventPattern? pattern, [NotNullWhen(false)] out string? reason)
    {
        try
        {
            pattern = Parse(json);
            reason = null;
            return true;
        }
        catch (InvalidEventPatternException ex)
        {
            pattern = null;
            reason = ex.Reason;
            return false;
        }
    }

    /// <summary>Why the pattern is not a valid EventBridge pattern, or <c>null</c> when it is.</summary>
    public static string? Validate(string json) => TryParse(json, out _, out var reason) ? null : reason;

    /// <summary>A pattern of no conditions, matching every event; never the result of <see cref="Parse"/> (EventBridge refuses <c>{}</c>).</summary>
    internal static EventPattern Everything { get; } = new([]);

    /// <summary>Whether <paramref name="json"/> is the empty object <c>{}</c>.</summary>
    internal static bool IsEmptyObject(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object && !document.RootElement.EnumerateObject().Any();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="event"/> matches: every field condition holds, each on a value the event has.</summary>
    public bool Matches(JsonElement @event) => new PatternMatcher(EventLeaves.Of(@event)).Matches(_conditions);
}
