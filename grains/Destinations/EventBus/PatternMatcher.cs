namespace Orleans.AsyncInvoke.Destinations.EventBus;

/// <summary>
/// Finds leaves that satisfy every condition of a pattern at once, choosing for each field one leaf that agrees with the
/// array elements already chosen, and backtracking when a later field finds none.
/// </summary>
internal sealed class PatternMatcher(EventLeaves leaves)
{
    /// <summary>
    /// Backtracking is exponential in the worst case (many fields over large arrays that never agree); past this many
    /// steps the event counts as not matching, so one hostile event cannot hold a delivery lane.
    /// </summary>
    private const int StepBudget = 1_000_000;

    private readonly Dictionary<int, int> _chosen = [];
    private int _steps;

    public bool Matches(IReadOnlyList<PatternNode> nodes) => Match(new Conditions(nodes, 0, null));

    private bool Match(Conditions? remaining)
    {
        if (++_steps > StepBudget)
        {
            return false;
        }

        if (remaining is null)
        {
            return true;
        }

        if (remaining.Index >= remaining.Nodes.Count)
        {
            return Match(remaining.Then);
        }

        var next = remaining with { Index = remaining.Index + 1 };
        return remaining.Nodes[remaining.Index] switch
        {
            FieldNode field => MatchField(field, next),
            OrNode or => or.Alternatives.Any(alternative => _steps <= StepBudget && Match(new Conditions(alternative, 0, next))),
            _ => false,
        };
    }

    private bool MatchField(FieldNode field, Conditions next)
    {
        var candidates = leaves.At(field.Path);
        if (candidates.Count == 0)
        {
            return field.AcceptsAbsence && Match(next);
        }

        foreach (var leaf in candidates)
        {
            if (!field.Matchers.Any(m => m.Matches(leaf.Value)) || !TryChoose(leaf, out var added))
            {
                continue;
            }

            if (Match(next))
            {
                return true;
            }

            foreach (var array in added)
            {
                _chosen.Remove(array);
            }
        }

        return false;
    }

    /// <summary>Takes the leaf's array elements as chosen, unless one contradicts an element chosen before.</summary>
    private bool TryChoose(EventLeaves.Leaf leaf, out List<int> added)
    {
        added = [];
        foreach (var (array, index) in leaf.Elements)
        {
            if (_chosen.TryGetValue(array, out var chosen))
            {
                if (chosen != index)
                {
                    foreach (var a in added)
                    {
                        _chosen.Remove(a);
                    }

                    added.Clear();
                    return false;
                }

                continue;
            }

            _chosen[array] = index;
            added.Add(array);
        }

        return true;
    }

    /// <summary>The conditions still to satisfy: the rest of one list, then whatever follows it.</summary>
    private sealed record Conditions(IReadOnlyList<PatternNode> Nodes, int Index, Conditions? Then);
}
