using System.Text;
using System.Text.Json.Nodes;
using static Orleans.AsyncInvoke.Tests.Gateway.Fuzz.FuzzValues;

namespace Orleans.AsyncInvoke.Tests.Gateway.Fuzz;

/// <summary>Request bodies: the route's valid shape, then mutated (wrong types, huge values, deep nesting, bad bytes).</summary>
internal static class FuzzBodies
{
    private const string Marker = "@@fuzz@@";

    private static readonly string[] RawValues =
    [
        "null", "true", "false", "0", "-1", "1.5", "-0", "1e400", "-1e400", "1e-400", "2147483648", "-2147483649",
        "9223372036854775808", "\"\"", "\"x\"", "[]", "{}", "[null]", "{\"\":null}", "\"\\u0000\"", "\"\\ud800\"",
        "\"\\udc00x\"", "\"dotnet:echo\"", "\"queue://fuzz-q\"", "\"$LATEST\"", "\"Event\"", "[\"queue://fuzz-q\"]",
        "\"arn:aws:lambda:us-east-1:000000000000:function:fuzz-echo\"", "{\"Destination\":null}", "[[],[{}]]",
    ];

    private static readonly int[] Depths = [16, 61, 62, 63, 64, 65, 128, 1000, 10_000];

    private static readonly int[] HugeLengths = [70_000, 300_000, 1_100_000];

    /// <summary>The valid body of <paramref name="route"/> (a small JSON object for routes that take none).</summary>
    public static string Template(FuzzRoute route, Random rng) => route.Template switch
    {
        "/2015-03-31/functions" => $$$"""{"FunctionName":"{{{Pick(rng, KnownFunctions)}}}","PackageType":"Image","Code":{"ImageUri":"{{{Pick(rng, ["dotnet:echo", "dotnet:fail"])}}}"},"Timeout":3,"Description":"d","Environment":{"Variables":{"A":"b"}},"Publish":false,"DeadLetterConfig":{"TargetArn":"queue://fuzz-dlq"},"Role":"arn:aws:iam::000000000000:role/r"}""",
        var t when t.EndsWith("/configuration", StringComparison.Ordinal) => """{"Timeout":5,"Description":"x","Environment":{"Variables":{"K":"v"}},"DeadLetterConfig":{"TargetArn":"queue://fuzz-dlq"}}""",
        var t when t.EndsWith("/code", StringComparison.Ordinal) => $$"""{"ImageUri":"{{Pick(rng, ["dotnet:echo", "dotnet:fail"])}}","Publish":false}""",
        var t when t.EndsWith("/versions", StringComparison.Ordinal) => """{"Description":"v"}""",
        var t when t.EndsWith("/aliases", StringComparison.Ordinal) => """{"Name":"live","FunctionVersion":"$LATEST","Description":"a"}""",
        var t when t.EndsWith("/aliases/{aliasName}", StringComparison.Ordinal) => """{"FunctionVersion":"$LATEST","Description":"a"}""",
        var t when t.EndsWith("/concurrency", StringComparison.Ordinal) => """{"ReservedConcurrentExecutions":5}""",
        var t when t.EndsWith("/recursion-config", StringComparison.Ordinal) => """{"RecursiveLoop":"Terminate"}""",
        var t when t.EndsWith("/event-invoke-config", StringComparison.Ordinal) => """{"MaximumRetryAttempts":1,"MaximumEventAgeInSeconds":60,"DestinationConfig":{"OnSuccess":{"Destination":"queue://fuzz-q"},"OnFailure":{"Destination":"queue://fuzz-dlq"}}}""",
        var t when t.EndsWith("/subscriptions", StringComparison.Ordinal) => """{"endpoint":"queue://fuzz-q"}""",
        var t when t.EndsWith("/rules/{rule}", StringComparison.Ordinal) => """{"EventPattern":{"source":["fuzz"],"detail":{"n":[{"numeric":[">",1]}]}},"Targets":["queue://fuzz-q"]}""",
        "/" or "/{account:regex(^[0-9]{{12}}$)}/{queueName}" => rng.Next(2) == 0
            ? """{"QueueUrl":"http://127.0.0.1/000000000000/fuzz-q","QueueName":"fuzz-q","MessageBody":"b","MaxNumberOfMessages":2,"MessageAttributes":{"a":{"DataType":"String","StringValue":"v"}},"Attributes":{"VisibilityTimeout":"5"},"Entries":[{"Id":"1","MessageBody":"x","ReceiptHandle":"h"}]}"""
            : "Action=" + Pick(rng, ["SendMessage", "ReceiveMessage", "CreateQueue", "GetQueueUrl", "SendMessageBatch", "Frobnicate"])
              + "&Version=2012-11-05&QueueUrl=http%3A%2F%2F127.0.0.1%2F000000000000%2Ffuzz-q&QueueName=fuzz-q&MessageBody=x&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=5"
              + "&MessageAttribute.1.Name=a&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=v&SendMessageBatchRequestEntry.1.Id=1&SendMessageBatchRequestEntry.1.MessageBody=y",
        _ => """{"key":"value","n":1,"failTimes":1,"nested":{"a":[1,2,{"b":null}]},"s":"text"}""",
    };

    /// <summary>The template, valid or mutated; <c>null</c> for no body at all.</summary>
    public static byte[]? Body(FuzzRoute route, Random rng)
    {
        var template = Template(route, rng);
        return rng.Next(100) switch
        {
            < 25 => Encoding.UTF8.GetBytes(template),
            < 42 => Replace(template, rng, Pick(rng, RawValues)),
            < 46 => Encoding.UTF8.GetBytes(Mutate(template, rng, (parent, key) => Drop(parent, key))),
            < 49 => Encoding.UTF8.GetBytes(template.Insert(1, $"\"{Junk(rng, 6).Replace("\"", "", StringComparison.Ordinal).Replace("\\", "", StringComparison.Ordinal)}\":{Pick(rng, RawValues)},")),
            < 57 => Replace(template, rng, Deep(rng)),
            < 60 => Encoding.UTF8.GetBytes(Deep(rng)),
            < 66 => InvalidUtf8(template, rng),
            < 72 => Encoding.UTF8.GetBytes(template[..rng.Next(template.Length)]),
            < 76 => rng.Next(2) == 0 ? [] : null,
            < 80 => Binary(rng),
            < 84 => Replace(template, rng, "\"" + new string('h', Pick(rng, HugeLengths)) + "\""),
            // Past the synchronous invoke's 6 MiB: rare, it costs the most.
            < 85 => Encoding.UTF8.GetBytes("\"" + new string('z', rng.Next(4) == 0 ? 6 * 1024 * 1024 + 16 : 300_000) + "\""),
            < 89 => Encoding.UTF8.GetBytes(Pick(rng, ["[]", "\"s\"", "1", "null", "true", " ", "\uFEFF{}", "{}{}", "{,}", "{\"a\":1,}", "/* c */{}", "{\"a\":1 // c\n}"])),
            < 92 => Encoding.UTF8.GetBytes(template.Insert(1, template[1..^1] + ",")),
            < 96 => Encoding.UTF8.GetBytes(Junk(rng, rng.Next(1, 200))),
            _ => Encoding.UTF8.GetBytes("{" + string.Join(',', Enumerable.Range(0, Pick(rng, [1000, 50_000])).Select(i => $"\"k{i}\":{i}")) + "}"),
        };
    }

    private static string Deep(Random rng)
    {
        var depth = Pick(rng, Depths);
        return rng.Next(2) == 0
            ? new string('[', depth) + new string(']', depth)
            : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
    }

    private static byte[] Binary(Random rng)
    {
        var bytes = new byte[Pick(rng, [1, 7, 1024, 65_536])];
        rng.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A random value of the template replaced by <paramref name="raw"/> JSON text (which may be invalid).</summary>
    private static byte[] Replace(string template, Random rng, string raw) =>
        Encoding.UTF8.GetBytes(Mutate(template, rng, (parent, key) => Set(parent, key, Marker)).Replace($"\"{Marker}\"", raw, StringComparison.Ordinal));

    /// <summary>Bytes that are not UTF-8 inside a string of the template.</summary>
    private static byte[] InvalidUtf8(string template, Random rng)
    {
        var text = Mutate(template, rng, (parent, key) => Set(parent, key, "a" + Marker + "b"));
        var parts = text.Split(Marker);
        byte[] bad = Pick<byte[]>(rng, [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF0, 0x9F], [0xC3, 0x28], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80]]);
        return parts.Length < 2 ? [.. Encoding.UTF8.GetBytes(text), .. bad] : [.. Encoding.UTF8.GetBytes(parts[0]), .. bad, .. Encoding.UTF8.GetBytes(parts[1])];
    }

    /// <summary>Applies <paramref name="change"/> at a random member or element of the template.</summary>
    private static string Mutate(string template, Random rng, Action<JsonNode, object> change)
    {
        var root = JsonNode.Parse(template)!;
        var positions = new List<(JsonNode Parent, object Key)>();
        Collect(root, positions);
        if (positions.Count > 0)
        {
            var (parent, key) = positions[rng.Next(positions.Count)];
            change(parent, key);
        }

        return root.ToJsonString();
    }

    private static void Collect(JsonNode node, List<(JsonNode, object)> positions)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, child) in o.ToList())
                {
                    positions.Add((o, name));
                    if (child is not null)
                    {
                        Collect(child, positions);
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    positions.Add((a, i));
                    if (a[i] is { } child)
                    {
                        Collect(child, positions);
                    }
                }

                break;
        }
    }

    private static void Set(JsonNode parent, object key, string value)
    {
        if (parent is JsonObject o)
        {
            o[(string)key] = value;
        }
        else
        {
            parent.AsArray()[(int)key] = value;
        }
    }

    private static void Drop(JsonNode parent, object key)
    {
        if (parent is JsonObject o)
        {
            o.Remove((string)key);
        }
        else
        {
            parent.AsArray().RemoveAt((int)key);
        }
    }
}
