using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Orleans.AsyncInvoke.Queues;

namespace Orleans.AsyncInvoke.Silo.Gateway.Aws.Sqs;

/// <summary>
/// A message attribute as SQS carries it: a name, a data type (<c>String</c>, <c>Number</c>, <c>Binary</c>, each with
/// an optional <c>.custom</c> suffix) and a string or binary value. Stored on a built-in queue message as its value
/// (binary in base64) and, unless it is a plain <c>String</c>, its type.
/// </summary>
internal sealed partial record SqsMessageAttribute(string Name, string DataType, string? StringValue, byte[]? BinaryValue)
{
    public const int MaxPerMessage = 10;

    public bool IsBinary => DataType.StartsWith("Binary", StringComparison.Ordinal);

    /// <summary>The bytes it adds to a message's size, as SQS counts them: name, type and value.</summary>
    public int Size => System.Text.Encoding.UTF8.GetByteCount(Name) + System.Text.Encoding.UTF8.GetByteCount(DataType)
        + (BinaryValue?.Length ?? System.Text.Encoding.UTF8.GetByteCount(StringValue ?? ""));

    /// <summary>Parses and checks a <c>MessageAttributes</c> member (<c>{"name":{"DataType","StringValue"|"BinaryValue"}}</c>).</summary>
    public static IReadOnlyList<SqsMessageAttribute> Parse(JsonObject input)
    {
        if (input["MessageAttributes"] is null)
        {
            return [];
        }

        if (input["MessageAttributes"] is not JsonObject members)
        {
            throw SqsErrors.InvalidParameterValue("The parameter MessageAttributes must be a map of names to values.");
        }

        if (members.Count > MaxPerMessage)
        {
            throw SqsErrors.InvalidParameterValue($"Number of message attributes [{members.Count}] exceeds the allowed maximum [{MaxPerMessage}].");
        }

        var attributes = new List<SqsMessageAttribute>(members.Count);
        foreach (var (name, node) in members)
        {
            if (!ValidName(name))
            {
                throw SqsErrors.InvalidParameterValue($"Message attribute name '{SqsErrors.Shown(name)}' is invalid: use up to 256 letters, digits, '_', '-' and '.', not starting with AWS. or Amazon., no leading, trailing or repeated '.'.");
            }

            if (node is not JsonObject value)
            {
                throw SqsErrors.InvalidParameterValue($"The message attribute '{name}' must be a structure with DataType and StringValue or BinaryValue.");
            }

            var type = SqsInput.String(value, "DataType");
            if (string.IsNullOrEmpty(type))
            {
                throw SqsErrors.InvalidParameterValue($"The message attribute '{name}' must contain a non-empty message attribute type.");
            }

            if (!DataTypePattern().IsMatch(type))
            {
                throw SqsErrors.InvalidParameterValue($"The type of message attribute '{name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.");
            }

            if (value["StringListValues"] is JsonArray { Count: > 0 } || value["BinaryListValues"] is JsonArray { Count: > 0 })
            {
                throw SqsErrors.InvalidParameterValue($"Message attribute list values in SendMessage operation are not supported (attribute '{name}').");
            }

            attributes.Add(type.StartsWith("Binary", StringComparison.Ordinal) ? Binary(name, type, value) : Text(name, type, value));
        }

        return attributes;
    }

    /// <summary>The attributes of a stored message.</summary>
    public static IReadOnlyList<SqsMessageAttribute> Of(QueueMessage message) =>
    [
        .. message.Attributes.Select(a => message.AttributeTypes.TryGetValue(a.Key, out var type) && type.StartsWith("Binary", StringComparison.Ordinal)
            ? new SqsMessageAttribute(a.Key, type, null, TryBase64(a.Value))
            : new SqsMessageAttribute(a.Key, message.AttributeTypes.GetValueOrDefault(a.Key, "String"), a.Value, null)),
    ];

    /// <summary>The attributes a receive asked for: <c>All</c>, <c>.*</c>, <c>prefix.*</c> or exact names.</summary>
    public static IReadOnlyList<SqsMessageAttribute> Select(IReadOnlyList<SqsMessageAttribute> attributes, IReadOnlyList<string> names)
    {
        if (names.Count == 0)
        {
            return [];
        }

        if (names.Any(n => n is "All" or ".*"))
        {
            return attributes;
        }

        return [.. attributes.Where(a => names.Any(n => n.EndsWith(".*", StringComparison.Ordinal)
            ? a.Name.StartsWith(n[..^1], StringComparison.Ordinal)
            : a.Name == n))];
    }

    /// <summary>As the JSON protocol answers it: <c>{"StringValue"|"BinaryValue", "DataType"}</c>.</summary>
    public JsonObject ToJson() => IsBinary
        ? new JsonObject { ["BinaryValue"] = Convert.ToBase64String(BinaryValue ?? []), ["DataType"] = DataType }
        : new JsonObject { ["StringValue"] = StringValue, ["DataType"] = DataType };

    private static SqsMessageAttribute Binary(string name, string type, JsonObject value)
    {
        var text = SqsInput.String(value, "BinaryValue");
        if (string.IsNullOrEmpty(text) || TryBase64(text) is not { Length: > 0 } bytes)
        {
            throw SqsErrors.InvalidParameterValue($"The message attribute '{name}' with type 'Binary' must use field 'BinaryValue' with a non-empty base64 value.");
        }

        return new SqsMessageAttribute(name, type, null, bytes);
    }

    private static SqsMessageAttribute Text(string name, string type, JsonObject value)
    {
        var text = SqsInput.String(value, "StringValue");
        if (string.IsNullOrEmpty(text))
        {
            throw SqsErrors.InvalidParameterValue($"The message attribute '{name}' with type '{(type.StartsWith("Number", StringComparison.Ordinal) ? "Number" : "String")}' must use field 'StringValue'.");
        }

        if (type.StartsWith("Number", StringComparison.Ordinal) && !NumberPattern().IsMatch(text))
        {
            throw SqsErrors.InvalidParameterValue($"Can't cast the value of message (user) attribute '{name}' to a number.");
        }

        if (SqsMessageBody.InvalidCharacter(text) is { } bad)
        {
            throw SqsErrors.InvalidParameterValue($"The message attribute '{name}' holds the character U+{bad:X4}, which SQS does not allow.");
        }

        return new SqsMessageAttribute(name, type, text, null);
    }

    private static bool ValidName(string name) =>
        name.Length is >= 1 and <= 256 && NamePattern().IsMatch(name) && !name.StartsWith('.') && !name.EndsWith('.')
        && !name.Contains("..", StringComparison.Ordinal)
        && !name.StartsWith("AWS.", StringComparison.OrdinalIgnoreCase) && !name.StartsWith("Amazon.", StringComparison.OrdinalIgnoreCase);

    private static byte[]? TryBase64(string text)
    {
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^(String|Number|Binary)(\..{1,249})?$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex DataTypePattern();

    [GeneratedRegex(@"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();
}

/// <summary>SQS's rules for message text.</summary>
internal static class SqsMessageBody
{
    /// <summary>
    /// The first character SQS refuses (#x9, #xA, #xD, #x20–#xD7FF, #xE000–#xFFFD and #x10000–#x10FFFF are allowed), or
    /// <c>null</c> when every one is allowed.
    /// </summary>
    public static int? InvalidCharacter(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (!(c is '\t' or '\n' or '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)))
            {
                return c;
            }
        }

        return null;
    }
}
