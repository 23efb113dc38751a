using System.Text;
using System.Text.Json;

namespace Orleans.AsyncInvoke.Destinations.EventBus;

/// <summary>
/// <c>wildcard</c>: <c>*</c> stands for any run of characters; <c>\*</c> is a literal star and <c>\\</c> a literal backslash.
/// Two stars in a row and any other escape are refused, as EventBridge refuses them.
/// </summary>
internal sealed class Wildcard : ValueMatcher
{
    // The literal runs between the stars: one more than there are stars, empty where a star begins or ends the pattern.
    private readonly string[] _runs;

    private Wildcard(string[] runs) => _runs = runs;

    /// <summary>The pattern; <see cref="InvalidEventPatternException"/> when EventBridge would refuse it.</summary>
    public static Wildcard Parse(string pattern)
    {
        var runs = new List<string>();
        var run = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '*' when i + 1 < pattern.Length && pattern[i + 1] == '*':
                    throw new InvalidEventPatternException($"Consecutive wildcard characters at pos {i}");
                case '*':
                    runs.Add(run.ToString());
                    run.Clear();
                    break;
                case '\\' when i + 1 < pattern.Length && pattern[i + 1] is '*' or '\\':
                    run.Append(pattern[++i]);
                    break;
                case '\\':
                    throw new InvalidEventPatternException($"Invalid escape character at pos {i}");
                default:
                    run.Append(pattern[i]);
                    break;
            }
        }

        runs.Add(run.ToString());
        return new Wildcard([.. runs]);
    }

    public override bool Matches(JsonElement leaf) => Text(leaf) is { } text && Matches(text);

    /// <summary>
    /// Greedy from the left: the first run anchors the start, the last the end, and every run between is taken at its
    /// earliest place, which is always safe for patterns of literal runs and stars, and linear in the text.
    /// </summary>
    private bool Matches(string text)
    {
        if (_runs.Length == 1)
        {
            return string.Equals(text, _runs[0], StringComparison.Ordinal);
        }

        var first = _runs[0];
        var last = _runs[^1];
        if (text.Length < first.Length + last.Length
            || !text.StartsWith(first, StringComparison.Ordinal) || !text.EndsWith(last, StringComparison.Ordinal))
        {
            return false;
        }

        var position = first.Length;
        var end = text.Length - last.Length;
        for (var i = 1; i < _runs.Length - 1; i++)
        {
            var found = text.IndexOf(_runs[i], position, end - position, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            position = found + _runs[i].Length;
        }

        return true;
    }
}
