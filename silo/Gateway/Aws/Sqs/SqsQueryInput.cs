using System.Globalization;
using System.Text.Json.Nodes;

namespace Orleans.AsyncInvoke.Silo.Gateway.Aws.Sqs;

/// <summary>
/// Brings a query-protocol form into the JSON protocol's input shape. The query protocol flattens lists and maps
/// into numbered keys (<c>AttributeName.1</c>, <c>Attribute.1.Name</c>/<c>Attribute.1.Value</c>,
/// <c>MessageAttribute.1.Value.StringValue</c>, <c>SendMessageBatchRequestEntry.1.Id</c>); each family has its
/// JSON member name.
/// </summary>
internal static class SqsQueryInput
{
    public static JsonObject Convert(IEnumerable<KeyValuePair<string, string>> form)
    {
        var result = new JsonObject();
        var families = new Dictionary<string, SortedDictionary<int, List<KeyValuePair<string, string>>>>(StringComparer.Ordinal);
        foreach (var (key, value) in form)
        {
            var parts = key.Split('.', 3);
            if (parts.Length >= 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index >= 1)
            {
                if (!families.TryGetValue(parts[0], out var members))
                {
                    families[parts[0]] = members = [];
                }

                if (!members.TryGetValue(index, out var fields))
                {
                    members[index] = fields = [];
                }

                fields.Add(new(parts.Length == 3 ? parts[2] : "", value));
            }
            else
            {
                result[key] = value;
            }
        }

        foreach (var (family, members) in families)
        {
            switch (family)
            {
                case "AttributeName" or "MessageAttributeName" or "MessageSystemAttributeName" or "TagKey":
                    result[family + "s"] = new JsonArray([.. members.Values.SelectMany(f => f.Where(p => p.Key.Length == 0)).Select(p => (JsonNode)p.Value)]);
                    break;
                case "Attribute" or "Tag":
                    var map = new JsonObject();
                    var (keyField, name) = family == "Tag" ? ("Key", "Tags") : ("Name", "Attributes");
                    foreach (var fields in members.Values)
                    {
                        if (Field(fields, keyField) is { } k)
                        {
                            map[k] = Field(fields, "Value") ?? "";
                        }
                    }

                    result[name] = map;
                    break;
                case "MessageAttribute" or "MessageSystemAttribute":
                    var attributes = new JsonObject();
                    foreach (var fields in members.Values)
                    {
                        if (Field(fields, "Name") is { } attributeName)
                        {
                            attributes[attributeName] = Convert(fields.Where(p => p.Key.StartsWith("Value.", StringComparison.Ordinal))
                                .Select(p => new KeyValuePair<string, string>(p.Key["Value.".Length..], p.Value)));
                        }
                    }

                    result[family + "s"] = attributes;
                    break;
                default:
                    // Batch entries (SendMessageBatchRequestEntry.N.…): structures, which may nest attributes of their own.
                    var name2 = family.EndsWith("BatchRequestEntry", StringComparison.Ordinal) ? "Entries" : family;
                    result[name2] = new JsonArray([.. members.Values.Select(fields => (JsonNode)Convert(fields))]);
                    break;
            }
        }

        return result;
    }

    private static string? Field(List<KeyValuePair<string, string>> fields, string name) =>
        fields.FirstOrDefault(p => p.Key == name) is { Key: not null } pair ? pair.Value : null;
}
