using System.Text.Json;

namespace Orleans.AsyncInvoke.Destinations.EventBus;

/// <summary>
/// An event as EventBridge sees it: every leaf value (string, number, boolean, null) under its field path, with the
/// array elements it sits in. Arrays add no path step, so a pattern value matches if any element matches; the
/// elements a leaf sits in keep two fields of one pattern from being satisfied by different elements of the same array.
/// </summary>
internal sealed class EventLeaves
{
    private static readonly IReadOnlyList<Leaf> None = [];

    private readonly Dictionary<string, List<Leaf>> _byPath = new(StringComparer.Ordinal);
    private int _arrays;

    private EventLeaves()
    {
    }

    /// <summary>A leaf and the (array, element index) pairs it sits in, outermost first.</summary>
    public readonly record struct Leaf(JsonElement Value, (int Array, int Index)[] Elements);

    public static EventLeaves Of(JsonElement @event)
    {
        var leaves = new EventLeaves();
        if (@event.ValueKind == JsonValueKind.Object)
        {
            leaves.Walk(@event, FieldPath.Root, []);
        }

        return leaves;
    }

    public IReadOnlyList<Leaf> At(string path) => _byPath.TryGetValue(path, out var leaves) ? leaves : None;

    private void Walk(JsonElement value, string path, (int Array, int Index)[] elements)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var field in value.EnumerateObject())
                {
                    Walk(field.Value, FieldPath.Child(path, field.Name), elements);
                }

                break;
            case JsonValueKind.Array:
                var array = _arrays++;
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Walk(item, path, [.. elements, (array, index++)]);
                }

                break;
            default:
                if (!_byPath.TryGetValue(path, out var list))
                {
                    _byPath[path] = list = [];
                }

                list.Add(new Leaf(value, elements));
                break;
        }
    }
}
