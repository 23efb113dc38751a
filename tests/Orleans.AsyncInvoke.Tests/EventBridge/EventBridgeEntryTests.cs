using System.Text.Json;
using System.Text.Json.Nodes;
using Orleans.AsyncInvoke.Destinations.EventBus;
using Orleans.AsyncInvoke.Silo.Gateway.Aws.Events;

namespace Orleans.AsyncInvoke.Tests.EventBridge;

/// <summary>PutEvents entries as EventBridge checks them, the events they become, and what a target receives of one.</summary>
public sealed class EventBridgeEntryTests
{
    private static JsonObject Entry(string detail = "{\"order\":7}") => new()
    {
        ["Source"] = "shop", ["DetailType"] = "OrderPlaced", ["Detail"] = detail, ["Resources"] = new JsonArray("arn:aws:x:::y"),
    };

    [Fact]
    public void Envelope_WhenEntryIsValid_IsEventBridgesEventShape()
    {
        var entry = Entry();
        entry["Time"] = 1767323045.5;

        var e = JsonNode.Parse(EventEntry.Envelope(entry, "id-1", "000000000000", "us-east-1", DateTimeOffset.UnixEpoch))!.AsObject();

        Assert.Equal(["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"], e.Select(p => p.Key));
        Assert.Equal("0", (string?)e["version"]);
        Assert.Equal("2026-01-02T03:04:05Z", (string?)e["time"]);
        Assert.Equal("arn:aws:x:::y", (string?)e["resources"]![0]);
        Assert.Equal(7, (int)e["detail"]!["order"]!);
    }

    [Fact]
    public void Envelope_WhenNoTimeIsGiven_UsesNow()
    {
        var e = JsonNode.Parse(EventEntry.Envelope(Entry(), "id-1", "a", "r", new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero)))!;

        Assert.Equal("2026-05-06T07:08:09Z", (string?)e["time"]);
    }

    [Theory]
    [InlineData(null, "OrderPlaced", "{}", "InvalidArgument", "Source")]
    [InlineData("shop", null, "{}", "InvalidArgument", "DetailType")]
    [InlineData("shop", "OrderPlaced", null, "InvalidArgument", "Detail")]
    [InlineData("shop", "OrderPlaced", "[1]", "MalformedDetail", "malformed")]
    [InlineData("shop", "OrderPlaced", "{oops", "MalformedDetail", "malformed")]
    public void Problem_WhenAMemberIsMissingOrMalformed_NamesEventBridgesErrorCode(string? source, string? detailType, string? detail, string code, string words)
    {
        var entry = new JsonObject { ["Source"] = source, ["DetailType"] = detailType, ["Detail"] = detail };

        var problem = EventEntry.Problem(entry);

        Assert.NotNull(problem);
        Assert.Equal(code, problem.Value.Code);
        Assert.Contains(words, problem.Value.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Problem_WhenEntryIsValid_IsNull() => Assert.Null(EventEntry.Problem(Entry()));

    [Fact]
    public void TimeOf_WhenIsoTextOrEpochSeconds_ReadsBoth()
    {
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), EventEntry.TimeOf(JsonValue.Create("2026-01-02T03:04:05Z")));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767323045), EventEntry.TimeOf(JsonValue.Create(1767323045)));
        Assert.Null(EventEntry.TimeOf(JsonValue.Create("yesterday")));
    }

    [Theory]
    [InlineData("$", "{\"detail\":{\"order\":{\"id\":9}},\"list\":[1,2]}")]
    [InlineData("$.detail.order", "{\"id\":9}")]
    [InlineData("$['detail']['order'].id", "9")]
    [InlineData("$.list[1]", "2")]
    [InlineData("$.missing.deeper", "null")]
    public void For_WhenInputPathIsGiven_SendsWhatItSelects(string path, string expected)
    {
        const string Event = "{\"detail\":{\"order\":{\"id\":9}},\"list\":[1,2]}";

        Assert.True(EventTargetInput.IsValidPath(path), $"{path} should be a valid path");
        Assert.Equal(expected, EventTargetInput.For(Event, input: null, path));
    }

    [Fact]
    public void For_WhenInputOrNothingIsGiven_SendsTheConstantOrTheEvent()
    {
        Assert.Equal("{\"fixed\":true}", EventTargetInput.For("{\"a\":1}", "{\"fixed\":true}", inputPath: null));
        Assert.Equal("{\"a\":1}", EventTargetInput.For("{\"a\":1}", input: null, inputPath: null));
    }

    [Theory]
    [InlineData("detail")]
    [InlineData("$.")]
    [InlineData("$..deep")]
    [InlineData("$.a[*]")]
    public void IsValidPath_WhenNotTheSupportedSubset_IsFalse(string path) => Assert.False(EventTargetInput.IsValidPath(path));

    [Fact]
    public void IsJson_WhenTextIsOrIsNotOneJsonValue_Tells()
    {
        Assert.True(EventTargetInput.IsJson("\"text\""));
        Assert.False(EventTargetInput.IsJson("{not json"));
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(EventTargetInput.For("{}", null, "$")).RootElement.ValueKind);
    }
}
