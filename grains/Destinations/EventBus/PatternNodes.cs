namespace Orleans.AsyncInvoke.Destinations.EventBus;

/// <summary>One condition of a parsed pattern: a field's accepted values, or a <c>$or</c> of alternatives.</summary>
internal abstract class PatternNode;

/// <summary>
/// The values accepted at one field path. <see cref="AcceptsAbsence"/> is <c>exists: false</c>: the field may also be missing
/// (an empty array or an object there counts as missing, because only leaf values exist to EventBridge).
/// </summary>
internal sealed class FieldNode(string path, IReadOnlyList<ValueMatcher> matchers, bool acceptsAbsence) : PatternNode
{
    public string Path { get; } = path;

    public IReadOnlyList<ValueMatcher> Matchers { get; } = matchers;

    public bool AcceptsAbsence { get; } = acceptsAbsence;
}

/// <summary><c>$or</c>: the event matches if it matches any one alternative (each a conjunction of nodes).</summary>
internal sealed class OrNode(IReadOnlyList<IReadOnlyList<PatternNode>> alternatives) : PatternNode
{
    public IReadOnlyList<IReadOnlyList<PatternNode>> Alternatives { get; } = alternatives;
}

/// <summary>Field paths as one unambiguous key: each name length-prefixed, so names holding dots or slashes never collide.</summary>
internal static class FieldPath
{
    public const string Root = "";

    public static string Child(string parent, string name) => string.Concat(parent, name.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ":", name);
}
