namespace Orleans.AsyncInvoke.Destinations.EventBus;

/// <summary>
/// Finds leaves that satisfy every condition of a pattern at once, choosing for each field one leaf that agrees with the
/// array elements already chosen, and backtracking when a later field finds none.
/// </summary>
internal sealed class PatternMatcher(EventLeaves leaves)
{
    /// <summary>
    /// Backtracking is exponential in the worst case (fields over several large arrays whose elements never agree);
    /// past this many steps the event counts as not matching, so one hostile event cannot hold a delivery lane.
    /// </summary>
    internal const int StepBudget = 100_000;

    private readonly Dictionary<int, int> _chosen = [];

    // The arrays whose element was chosen, in choosing order, so a step back undoes exactly its own choices.
    private readonly List<int> _chosenOrder = [];
    private int _steps;

    public bool Matches(IReadOnlyList<PatternNode> nodes) => EachFieldCanMatch(nodes) && Match(new Conditions(nodes, 0, null));

    /// <summary>
    /// A cheap necessary condition: every field outside <c>$or</c> has a leaf it accepts (or may be absent). Most events
    /// that do not match fail here, without any backtracking.
    /// </summary>
    private bool EachFieldCanMatch(IReadOnlyList<PatternNode> nodes)
    {
        foreach (var node in nodes)
        {
            if (node is FieldNode field)
            {
                var candidates = leaves.At(field.Path);
                if (candidates.Count == 0 ? !field.AcceptsAbsence : !HasAccepted(field, candidates))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool HasAccepted(FieldNode field, IReadOnlyList<EventLeaves.Leaf> candidates)
    {
        foreach (var leaf in candidates)
        {
            if (Accepts(field, leaf))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Accepts(FieldNode field, EventLeaves.Leaf leaf)
    {
        foreach (var matcher in field.Matchers)
        {
            if (matcher.Matches(leaf.Value))
            {
                return true;
            }
        }

        return false;
    }

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
        switch (remaining.Nodes[remaining.Index])
        {
            case FieldNode field:
                return MatchField(field, next);
            case OrNode or:
                foreach (var alternative in or.Alternatives)
                {
                    if (Match(new Conditions(alternative, 0, next)))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
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
            if (_steps > StepBudget)
            {
                return false;
            }

            var mark = _chosenOrder.Count;
            if (Accepts(field, leaf) && TryChoose(leaf, mark) && Match(next))
            {
                return true;
            }

            Undo(mark);
        }

        return false;
    }

    /// <summary>Takes the leaf's array elements as chosen, unless one contradicts an element chosen before.</summary>
    private bool TryChoose(EventLeaves.Leaf leaf, int mark)
    {
        foreach (var (array, index) in leaf.Elements)
        {
            if (_chosen.TryGetValue(array, out var chosen))
            {
                if (chosen != index)
                {
                    Undo(mark);
                    return false;
                }

                continue;
            }

            _chosen[array] = index;
            _chosenOrder.Add(array);
        }

        return true;
    }

    private void Undo(int mark)
    {
        for (var i = _chosenOrder.Count - 1; i >= mark; i--)
        {
            _chosen.Remove(_chosenOrder[i]);
            _chosenOrder.RemoveAt(i);
        }
    }

    /// <summary>The conditions still to satisfy: the rest of one list, then whatever follows it.</summary>
    private sealed record Conditions(IReadOnlyList<PatternNode> Nodes, int Index, Conditions? Then);
}
