using System.Globalization;
using System.Text.Json.Nodes;

namespace Orleans.AsyncInvoke.Silo.Gateway.Aws.Sns;

/// <summary>
/// Brings SNS's query form into the JSON shape the operations read. SNS nests with dots and numbers its lists
/// <c>member.N</c> and its maps <c>entry.N</c>: <c>Attributes.entry.1.key</c>/<c>.value</c>,
/// <c>MessageAttributes.entry.1.Name</c>/<c>.Value.DataType</c>, <c>PublishBatchRequestEntries.member.1.Message</c>.
/// </summary>
internal static class SnsQueryInput
{
    public static JsonObject Convert(IEnumerable<KeyValuePair<string, string>> form)
    {
        var root = new Node();
        foreach (var (key, value) in form)
        {
            var node = root;
            foreach (var segment in key.Split('.'))
            {
                node = node.Child(segment);
            }

            node.Value = value;
        }

        return root.Children is null ? [] : (JsonObject)ToJson(root);
    }

    private static JsonNode ToJson(Node node)
    {
        if (node.Children is not { } children)
        {
            return JsonValue.Create(node.Value ?? "");
        }

        if (children.Count == 1 && children.TryGetValue("member", out var members))
        {
            return new JsonArray([.. Numbered(members).Select(ToJson)]);
        }

        if (children.Count == 1 && children.TryGetValue("entry", out var entries))
        {
            var map = new JsonObject();
            foreach (var entry in Numbered(entries))
            {
                // Attributes use key/value, MessageAttributes Name/Value.
                var key = entry.Children?.GetValueOrDefault("key") ?? entry.Children?.GetValueOrDefault("Name");
                var value = entry.Children?.GetValueOrDefault("value") ?? entry.Children?.GetValueOrDefault("Value");
                if (key?.Value is { } name)
                {
                    map[name] = value is null ? "" : ToJson(value);
                }
            }

            return map;
        }

        var structure = new JsonObject();
        foreach (var (name, child) in children)
        {
            structure[name] = ToJson(child);
        }

        return structure;
    }

    private static IEnumerable<Node> Numbered(Node list) => list.Children is null
        ? []
        : list.Children
            .Select(c => (Index: int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1, c.Value))
            .Where(c => c.Index >= 1)
            .OrderBy(c => c.Index)
            .Select(c => c.Value);

    private sealed class Node
    {
        public string? Value { get; set; }

        public Dictionary<string, Node>? Children { get; private set; }

        public Node Child(string name)
        {
            Children ??= new(StringComparer.Ordinal);
            if (!Children.TryGetValue(name, out var child))
            {
                Children[name] = child = new Node();
            }

            return child;
        }
    }
}
