using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.AsyncInvoke.Destinations.EventBus;
using Orleans.AsyncInvoke.Topics;

namespace Orleans.AsyncInvoke.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class EventPatternTests
{
    private const string Event = """
        {"source":"lambda","detail-type":"Lambda Function Invocation Result - Failure","account":"000000000000",
         "detail":{"requestContext":{"condition":"RetriesExhausted","approximateInvokeCount":3,"functionArn":"arn:aws:lambda:us-east-1:000000000000:function:orders"},
                   "responsePayload":{"errorType":"Timeout","errorMessage":null},
                   "price":300.0,"ratio":0.25,"negative":-7,"big":12345678901234567890,"flag":true,"off":false,
                   "file":"reports/2026/Q1.PNG","path":"src/lib/x.cs","star":"a*b","back":"a\\b","ip":"10.0.0.42","ip6":"2001:db8::1",
                   "empty":[],"tags":["red","green"],"counts":[1,5,9],"nested":{"inner":"value"},
                   "items":[{"sku":"A","qty":1},{"sku":"B","qty":5}]},
         "resources":["arn:aws:events:us-east-1:000000000000:event-bus/default","arn:aws:lambda:us-east-1:000000000000:function:orders"]}
        """;

    public static TheoryData<string, bool> Matching => new()
    {
        // Exact values.
        { """{"source":["lambda"]}""", true },
        { """{"source":["s3"]}""", false },
        { """{"source":["LAMBDA"]}""", false },
        { """{"source":["s3","lambda"]}""", true },
        { """{"detail":{"requestContext":{"approximateInvokeCount":[3]}}}""", true },
        { """{"detail":{"price":[300]}}""", true },
        { """{"detail":{"price":[3e2]}}""", true },
        { """{"detail":{"price":["300"]}}""", false },
        { """{"detail":{"price":[301]}}""", false },
        { """{"detail":{"big":[12345678901234567890]}}""", true },
        { """{"detail":{"big":[12345678901234567891]}}""", false },
        { """{"account":[0]}""", false },
        { """{"detail":{"flag":[true]}}""", true },
        { """{"detail":{"flag":[false]}}""", false },
        { """{"detail":{"flag":["true"]}}""", false },
        { """{"detail":{"responsePayload":{"errorMessage":[null]}}}""", true },
        { """{"detail":{"responsePayload":{"errorType":[null]}}}""", false },
        { """{"source":["lambda"],"detail":{"missing":["x"]}}""", false },
        // Arrays in the event: any element.
        { """{"resources":["arn:aws:lambda:us-east-1:000000000000:function:orders"]}""", true },
        { """{"detail":{"tags":["green"]}}""", true },
        { """{"detail":{"tags":["blue"]}}""", false },
        { """{"detail":{"items":{"sku":["B"]}}}""", true },
        { """{"detail":{"items":{"sku":["B"],"qty":[5]}}}""", true },
        { """{"detail":{"items":{"sku":["A"],"qty":[5]}}}""", false },
        // Nested objects: a leaf matcher never matches an object.
        { """{"detail":{"nested":{"inner":["value"]}}}""", true },
        { """{"detail":{"nested":["value"]}}""", false },
        // prefix / suffix, with and without case.
        { """{"detail-type":[{"prefix":"Lambda Function Invocation Result - F"}]}""", true },
        { """{"detail-type":[{"prefix":"Lambda Function Invocation Result - S"}]}""", false },
        { """{"detail-type":[{"prefix":"lambda function"}]}""", false },
        { """{"detail-type":[{"prefix":{"equals-ignore-case":"lambda FUNCTION"}}]}""", true },
        { """{"detail":{"price":[{"prefix":"3"}]}}""", false },
        { """{"detail":{"file":[{"suffix":".PNG"}]}}""", true },
        { """{"detail":{"file":[{"suffix":".png"}]}}""", false },
        { """{"detail":{"file":[{"suffix":{"equals-ignore-case":".png"}}]}}""", true },
        { """{"detail":{"file":[{"suffix":{"equals-ignore-case":".jpg"}}]}}""", false },
        // equals-ignore-case.
        { """{"source":[{"equals-ignore-case":"LAMBDA"}]}""", true },
        { """{"source":[{"equals-ignore-case":"LAMBDAS"}]}""", false },
        // anything-but.
        { """{"detail":{"requestContext":{"condition":[{"anything-but":"Success"}]}}}""", true },
        { """{"detail":{"requestContext":{"condition":[{"anything-but":"RetriesExhausted"}]}}}""", false },
        { """{"detail":{"requestContext":{"condition":[{"anything-but":["RetriesExhausted","EventAgeExceeded"]}]}}}""", false },
        { """{"detail":{"requestContext":{"condition":[{"anything-but":["Success","EventAgeExceeded"]}]}}}""", true },
        { """{"detail":{"requestContext":{"condition":[{"anything-but":{"prefix":"Retries"}}]}}}""", false },
        { """{"detail":{"requestContext":{"condition":[{"anything-but":{"prefix":"Success"}}]}}}""", true },
        { """{"detail":{"file":[{"anything-but":{"suffix":".PNG"}}]}}""", false },
        { """{"detail":{"file":[{"anything-but":{"suffix":".png"}}]}}""", true },
        { """{"detail":{"path":[{"anything-but":{"wildcard":"*/lib/*"}}]}}""", false },
        { """{"detail":{"path":[{"anything-but":{"wildcard":["*/bin/*","*/obj/*"]}}]}}""", true },
        { """{"source":[{"anything-but":{"equals-ignore-case":"LAMBDA"}}]}""", false },
        { """{"source":[{"anything-but":{"equals-ignore-case":["S3","SQS"]}}]}""", true },
        { """{"detail":{"requestContext":{"approximateInvokeCount":[{"anything-but":3}]}}}""", false },
        { """{"detail":{"requestContext":{"approximateInvokeCount":[{"anything-but":[1,2]}]}}}""", true },
        { """{"detail":{"price":[{"anything-but":300}]}}""", false },
        { """{"source":[{"anything-but":7}]}""", false },
        { """{"detail":{"missing":[{"anything-but":"x"}]}}""", false },
        { """{"detail":{"tags":[{"anything-but":"red"}]}}""", true },
        // numeric.
        { """{"detail":{"requestContext":{"approximateInvokeCount":[{"numeric":[">",2,"<=",3]}]}}}""", true },
        { """{"detail":{"requestContext":{"approximateInvokeCount":[{"numeric":["<",3]}]}}}""", false },
        { """{"detail":{"requestContext":{"approximateInvokeCount":[{"numeric":["<=",3]}]}}}""", true },
        { """{"detail":{"requestContext":{"approximateInvokeCount":[{"numeric":[">=",3]}]}}}""", true },
        { """{"detail":{"requestContext":{"approximateInvokeCount":[{"numeric":[">",3]}]}}}""", false },
        { """{"detail":{"price":[{"numeric":["=",300]}]}}""", true },
        { """{"detail":{"price":[{"numeric":["=",300.5]}]}}""", false },
        { """{"detail":{"ratio":[{"numeric":[">",0,"<",1]}]}}""", true },
        { """{"detail":{"ratio":[{"numeric":[">=",0.25,"<",0.5]}]}}""", true },
        { """{"detail":{"ratio":[{"numeric":[">",0.25,"<",0.5]}]}}""", false },
        { """{"detail":{"negative":[{"numeric":["<",0]}]}}""", true },
        { """{"detail":{"counts":[{"numeric":[">",8]}]}}""", true },
        { """{"detail":{"counts":[{"numeric":[">",9]}]}}""", false },
        { """{"detail":{"big":[{"numeric":[">",0]}]}}""", false },
        { """{"source":[{"numeric":[">",0]}]}""", false },
        // exists: leaves only; a missing field, an empty array or an object is absent.
        { """{"detail":{"responsePayload":{"errorType":[{"exists":true}]}}}""", true },
        { """{"detail":{"responsePayload":{"errorMessage":[{"exists":true}]}}}""", true },
        { """{"detail":{"responsePayload":{"errorCode":[{"exists":false}]}}}""", true },
        { """{"detail":{"responsePayload":{"errorType":[{"exists":false}]}}}""", false },
        { """{"detail":{"missing":{"deeper":[{"exists":false}]}}}""", true },
        { """{"detail":{"missing":[{"exists":true}]}}""", false },
        { """{"detail":{"empty":[{"exists":true}]}}""", false },
        { """{"detail":{"empty":[{"exists":false}]}}""", true },
        { """{"detail":{"tags":[{"exists":true}]}}""", true },
        { """{"detail":{"nested":[{"exists":true}]}}""", false },
        { """{"detail":{"nested":[{"exists":false}]}}""", true },
        { """{"detail":{"responsePayload":{"errorType":[{"exists":false},"Timeout"]}}}""", true },
        // wildcard.
        { """{"detail":{"file":[{"wildcard":"reports/*/Q1.PNG"}]}}""", true },
        { """{"detail":{"file":[{"wildcard":"reports/*.png"}]}}""", false },
        { """{"detail":{"file":[{"wildcard":"*"}]}}""", true },
        { """{"detail":{"file":[{"wildcard":"*Q1*"}]}}""", true },
        { """{"detail":{"file":[{"wildcard":"reports/*/*/Q1.PNG"}]}}""", false },
        { """{"detail":{"file":[{"wildcard":"reports/2026/Q1.PNG"}]}}""", true },
        { """{"detail":{"star":[{"wildcard":"a\\*b"}]}}""", true },
        { """{"detail":{"file":[{"wildcard":"a\\*b"}]}}""", false },
        { """{"detail":{"back":[{"wildcard":"a\\\\b"}]}}""", true },
        { """{"detail":{"star":[{"wildcard":"a*a*b"}]}}""", false },
        // cidr.
        { """{"detail":{"ip":[{"cidr":"10.0.0.0/24"}]}}""", true },
        { """{"detail":{"ip":[{"cidr":"10.0.1.0/24"}]}}""", false },
        { """{"detail":{"ip":[{"cidr":"10.0.0.7/8"}]}}""", true },
        { """{"detail":{"ip6":[{"cidr":"2001:db8::/32"}]}}""", true },
        { """{"detail":{"ip6":[{"cidr":"10.0.0.0/8"}]}}""", false },
        { """{"source":[{"cidr":"10.0.0.0/8"}]}""", false },
        // $or.
        { """{"$or":[{"source":["s3"]},{"detail-type":[{"prefix":"Lambda"}]}]}""", true },
        { """{"$or":[{"source":["s3"]},{"detail-type":[{"prefix":"S3"}]}]}""", false },
        { """{"source":["lambda"],"detail":{"$or":[{"price":[{"numeric":[">",1000]}]},{"requestContext":{"condition":["RetriesExhausted"]}}]}}""", true },
        { """{"source":["s3"],"$or":[{"account":["000000000000"]},{"detail":{"flag":[true]}}]}""", false },
        { """{"detail":{"items":{"$or":[{"sku":["A"],"qty":[5]},{"sku":["B"],"qty":[5]}]}}}""", true },
        { """{"detail":{"items":{"$or":[{"sku":["A"],"qty":[5]},{"sku":["B"],"qty":[1]}]}}}""", false },
    };

    [Theory]
    [MemberData(nameof(Matching))]
    public void Matches_WhenGivenAValidPattern_FollowsEventBridgeSemantics(string pattern, bool expected)
    {
        using var document = JsonDocument.Parse(Event);

        var parsed = EventPattern.Parse(pattern);

        Assert.True(expected == parsed.Matches(document.RootElement), $"Expected {pattern} {(expected ? "to match" : "not to match")} the event.");
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { "[1]", "Filter is not an object" },
        { "\"source\"", "Filter is not an object" },
        { "{}", "Empty objects are not allowed" },
        { """{"detail":{}}""", "Empty objects are not allowed" },
        { """{"source":"lambda"}""", "\"source\" must be an object or an array" },
        { """{"source":7}""", "\"source\" must be an object or an array" },
        { """{"source":[]}""", "Empty arrays are not allowed" },
        { """{"n":[["nested"]]}""", "Match value must be String, number, true, false, or null" },
        { """{"x":[{}]}""", "Match expression name not found" },
        { """{"x":[{"contains":"a"}]}""", "Unrecognized match type contains" },
        { """{"x":[{"prefix":"a","exists":true}]}""", "Only one key allowed in match expression" },
        { """{"x":[{"prefix":1}]}""", "prefix match pattern must be a string" },
        { """{"x":[{"prefix":{"equals-ignore-case":1}}]}""", "equals-ignore-case match pattern must be a string" },
        { """{"x":[{"prefix":{"wildcard":"a*"}}]}""", "Unsupported prefix pattern: wildcard" },
        { """{"x":[{"suffix":null}]}""", "suffix match pattern must be a string" },
        { """{"x":[{"equals-ignore-case":["a"]}]}""", "equals-ignore-case match pattern must be a string" },
        { """{"x":[{"exists":"yes"}]}""", "exists match pattern must be either true or false." },
        { """{"x":[{"exists":false,"prefix":"a"}]}""", "Only one key allowed in match expression" },
        { """{"x":[{"wildcard":5}]}""", "wildcard match pattern must be a string" },
        { """{"x":[{"wildcard":"a**b"}]}""", "Consecutive wildcard characters at pos 1" },
        { """{"x":[{"wildcard":"a\\b"}]}""", "Invalid escape character at pos 1" },
        { """{"x":[{"cidr":"10.0.0.0"}]}""", "Malformed CIDR, one '/' required: 10.0.0.0" },
        { """{"x":[{"cidr":"10.0.0/8"}]}""", "Invalid IP address in CIDR: 10.0.0/8" },
        { """{"x":[{"cidr":"10.0.0.0/33"}]}""", "Invalid CIDR mask bits: 10.0.0.0/33" },
        { """{"x":[{"cidr":1}]}""", "cidr match pattern must be a string" },
        { """{"x":[{"numeric":">"}]}""", "Value of numeric must be an array." },
        { """{"x":[{"numeric":[]}]}""", "Invalid member in numeric match: ]" },
        { """{"x":[{"numeric":[1,">"]}]}""", "Invalid member in numeric match: 1" },
        { """{"x":[{"numeric":["~",1]}]}""", "Unrecognized numeric range operator: ~" },
        { """{"x":[{"numeric":[">","x"]}]}""", "Value of > must be numeric" },
        { """{"x":[{"numeric":["="]}]}""", "Value of equals must be numeric" },
        { """{"x":[{"numeric":["=",1,"<",2]}]}""", "Too many elements in numeric expression" },
        { """{"x":[{"numeric":["<",1,">",0]}]}""", "Too many elements in numeric expression" },
        { """{"x":[{"numeric":[">",0,5]}]}""", "Bad value in numeric range: 5" },
        { """{"x":[{"numeric":[">",0,">",5]}]}""", "Bad numeric range operator: >" },
        { """{"x":[{"numeric":[">",0,"<","5"]}]}""", "Value of < must be numeric" },
        { """{"x":[{"numeric":[">",0,"<",5,"<",6]}]}""", "Too many terms in numeric range expression" },
        { """{"x":[{"numeric":[">",5,"<",5]}]}""", "Bottom must be less than top" },
        { """{"x":[{"numeric":[">",5000000001]}]}""", "Value must be between -5.0E9 and 5.0E9, inclusive" },
        { """{"x":[{"numeric":["<",-5.1e9]}]}""", "Value must be between -5.0E9 and 5.0E9, inclusive" },
        { """{"x":[{"numeric":[">=",1e400]}]}""", "Value must be between -5.0E9 and 5.0E9, inclusive" },
        { """{"x":[{"anything-but":true}]}""", "Value of anything-but must be an array or single string/number value." },
        { """{"x":[{"anything-but":[null]}]}""", "Inside anything but list, start|null|boolean is not supported." },
        { """{"x":[{"anything-but":["a",1]}]}""", "Inside anything but list, either all values are number or string, mixed type is not supported" },
        { """{"x":[{"anything-but":[]}]}""", "Inside anything but list, either all values are number or string, mixed type is not supported" },
        { """{"x":[{"anything-but":6e9}]}""", "Value must be between -5.0E9 and 5.0E9, inclusive" },
        { """{"x":[{"anything-but":{}}]}""", "Anything-But expression name not found" },
        { """{"x":[{"anything-but":{"numeric":[">",1]}}]}""", "Unsupported anything-but pattern: numeric" },
        { """{"x":[{"anything-but":{"prefix":1}}]}""", "prefix/suffix match pattern must be a string" },
        { """{"x":[{"anything-but":{"suffix":""}}]}""", "Null prefix/suffix not allowed" },
        { """{"x":[{"anything-but":{"prefix":"a","suffix":"b"}}]}""", "Only one key allowed in match expression" },
        { """{"x":[{"anything-but":{"equals-ignore-case":[1]}}]}""", "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported." },
        { """{"x":[{"anything-but":{"wildcard":"a**"}}]}""", "Consecutive wildcard characters at pos 1" },
        { """{"$or":{"a":["x"]}}""", "It must be an Array followed with $or." },
        { """{"$or":[{"a":["x"]}]}""", "There must have at least 2 Objects in $or relationship." },
        { """{"$or":[{"a":["x"]},"b"]}""", "Only JSON object is allowed in array of $or relationship." },
        { """{"$or":[{"a":["x"]},{}]}""", "Empty objects are not allowed" },
        { """{"$or":[{"a":["x"]},{"prefix":["b"]}]}""", "prefix is Ruler reserved fieldName which cannot be used inside $or." },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Parse_WhenEventBridgeWouldRefuseThePattern_ThrowsWithItsReason(string pattern, string reason)
    {
        var error = Assert.Throws<InvalidEventPatternException>(() => EventPattern.Parse(pattern));

        Assert.Equal(reason, error.Reason);
        Assert.Equal($"Event pattern is not valid. Reason: {reason}", error.Message);
        Assert.Equal(reason, EventPattern.Validate(pattern));
    }

    [Fact]
    public void Parse_WhenThePatternIsNotJson_ThrowsInvalidEventPattern()
    {
        var error = Assert.Throws<InvalidEventPatternException>(() => EventPattern.Parse("not json"));

        Assert.StartsWith("Event pattern is not valid. Reason: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"lambda\"")]
    [InlineData("[1,2]")]
    [InlineData("7")]
    public void Matches_WhenTheEventIsNotAnObject_MatchesOnlyAbsence(string @event)
    {
        using var document = JsonDocument.Parse(@event);

        Assert.False(EventPattern.Parse("""{"source":["lambda"]}""").Matches(document.RootElement));
        Assert.True(EventPattern.Parse("""{"source":[{"exists":false}]}""").Matches(document.RootElement));
    }

    [Fact]
    public void Matches_WhenFieldsOfDifferentArrayElementsNeverAgree_AnswersWithinTheStepBudget()
    {
        // y.a, z.a and x.a each have 100 candidates and x.b one, in an element of x without a: no choice of elements
        // agrees, and finding that out by trying them all would take a million steps.
        static string Elements() => string.Join(",", Enumerable.Range(0, 100).Select(i => $$"""{"a":{{i}}}"""));
        using var document = JsonDocument.Parse($$"""{"x":[{{Elements()}},{"b":-1}],"y":[{{Elements()}}],"z":[{{Elements()}}]}""");
        var pattern = EventPattern.Parse("""{"y":{"a":[{"numeric":[">=",0]}]},"z":{"a":[{"numeric":[">=",0]}]},"x":{"a":[{"numeric":[">=",0]}],"b":[-1]}}""");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.False(pattern.Matches(document.RootElement));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"Expected an answer within the step budget, took {clock.Elapsed}.");
    }

    [Fact]
    public void Matches_WhenFieldsOfOneArrayElementAgree_MatchesAfterTryingOthers()
    {
        using var document = JsonDocument.Parse("""{"x":[{"a":1},{"a":2},{"a":3,"b":true}],"y":[{"c":1},{"c":2}]}""");

        Assert.True(EventPattern.Parse("""{"y":{"c":[2]},"x":{"a":[{"numeric":[">",0]}],"b":[true]}}""").Matches(document.RootElement));
        Assert.False(EventPattern.Parse("""{"x":{"a":[1],"b":[true]}}""").Matches(document.RootElement));
    }

    [Fact]
    public void Validate_WhenFieldsNestDeeperThanTheLimit_RefusesIt()
    {
        static string Nested(int depth) => string.Concat(Enumerable.Repeat("""{"a":""", depth - 1)) + """{"a":["x"]}""" + new string('}', depth - 1);

        Assert.Null(EventPattern.Validate(Nested(EventPattern.MaxDepth)));
        Assert.Contains("deeper than", EventPattern.Validate(Nested(EventPattern.MaxDepth + 1)), StringComparison.Ordinal);
    }

    [Fact]
    public void Usable_WhenAStoredRuleNoLongerParses_PassesItOverAndKeepsTheOthers()
    {
        EventRule Rule(string name, string pattern) => new() { Name = name, EventPattern = pattern, Targets = ["queue://q"] };
        using var document = JsonDocument.Parse(Event);

        var usable = EventBusAdapter.Usable("bus", [Rule("broken", """{"x":[{"numeric":[">","x"]}]}"""), Rule("all", "{}"), Rule("lambda", """{"source":["lambda"]}""")], NullLogger.Instance);

        Assert.Equal(["all", "lambda"], usable.Select(u => u.Rule.Name));
        Assert.All(usable, u => Assert.True(u.Pattern.Matches(document.RootElement)));
    }
}
