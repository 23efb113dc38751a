using System.Text.Json;

namespace Orleans.AsyncInvoke.Destinations.EventBus;

/// <summary>
/// Reads a pattern's structure the way EventBridge does: objects narrow to fields, arrays list the accepted values,
/// <c>$or</c> lists alternatives. Every refusal carries EventBridge's reason.
/// </summary>
internal static class EventPatternParser
{
    private const string Or = "$or";

    /// <summary>Matcher names, which EventBridge does not accept as field names inside <c>$or</c>.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "prefix", "suffix", "anything-but", "numeric", "exists", "cidr", "equals-ignore-case", "wildcard",
    };

    public static IReadOnlyList<PatternNode> Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidEventPatternException("Filter is not an object");
        }

        return ParseObject(root, FieldPath.Root, depth: 1, insideOr: false);
    }

    private static List<PatternNode> ParseObject(JsonElement pattern, string path, int depth, bool insideOr)
    {
        if (depth > EventPattern.MaxDepth)
        {
            throw new InvalidEventPatternException($"The event pattern nests fields deeper than {EventPattern.MaxDepth} levels.");
        }

        if (!pattern.EnumerateObject().Any())
        {
            throw new InvalidEventPatternException("Empty objects are not allowed");
        }

        var nodes = new List<PatternNode>();
        foreach (var field in pattern.EnumerateObject())
        {
            if (field.Name == Or)
            {
                nodes.Add(ParseOr(field.Value, path, depth));
                continue;
            }

            if (insideOr && Reserved.Contains(field.Name))
            {
                throw new InvalidEventPatternException($"{field.Name} is Ruler reserved fieldName which cannot be used inside {Or}.");
            }

            var fieldPath = FieldPath.Child(path, field.Name);
            switch (field.Value.ValueKind)
            {
                case JsonValueKind.Object:
                    nodes.AddRange(ParseObject(field.Value, fieldPath, depth + 1, insideOr));
                    break;
                case JsonValueKind.Array:
                    nodes.Add(ParseField(field.Value, fieldPath));
                    break;
                default:
                    throw new InvalidEventPatternException($"\"{field.Name}\" must be an object or an array");
            }
        }

        return nodes;
    }

    private static OrNode ParseOr(JsonElement alternatives, string path, int depth)
    {
        if (alternatives.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidEventPatternException($"It must be an Array followed with {Or}.");
        }

        var parsed = new List<IReadOnlyList<PatternNode>>();
        foreach (var alternative in alternatives.EnumerateArray())
        {
            parsed.Add(alternative.ValueKind == JsonValueKind.Object
                ? ParseObject(alternative, path, depth + 1, insideOr: true)
                : throw new InvalidEventPatternException($"Only JSON object is allowed in array of {Or} relationship."));
        }

        return parsed.Count >= 2
            ? new OrNode(parsed)
            : throw new InvalidEventPatternException($"There must have at least 2 Objects in {Or} relationship.");
    }

    private static FieldNode ParseField(JsonElement values, string path)
    {
        var matchers = new List<ValueMatcher>();
        var acceptsAbsence = false;
        foreach (var value in values.EnumerateArray())
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    matchers.Add(new ExactString(value.GetString()!));
                    break;
                case JsonValueKind.Number:
                    matchers.Add(new ExactNumber(value.Clone()));
                    break;
                case JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null:
                    matchers.Add(new ExactLiteral(value.ValueKind));
                    break;
                case JsonValueKind.Object when MatchExpressions.IsAbsence(value):
                    acceptsAbsence = true;
                    break;
                case JsonValueKind.Object:
                    matchers.Add(MatchExpressions.Parse(value));
                    break;
                default:
                    throw new InvalidEventPatternException("Match value must be String, number, true, false, or null");
            }
        }

        return matchers.Count > 0 || acceptsAbsence
            ? new FieldNode(path, matchers, acceptsAbsence)
            : throw new InvalidEventPatternException("Empty arrays are not allowed");
    }
}
