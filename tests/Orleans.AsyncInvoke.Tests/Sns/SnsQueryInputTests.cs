using System.Text.Json.Nodes;
using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Silo.Gateway.Aws;
using Orleans.AsyncInvoke.Silo.Gateway.Aws.Sns;

namespace Orleans.AsyncInvoke.Tests.Sns;

/// <summary>SNS's query form (<c>entry.N</c> maps, <c>member.N</c> lists), brought into the shape the operations read.</summary>
public sealed class SnsQueryInputTests
{
    private static JsonObject Convert(params (string Key, string Value)[] form) =>
        SnsQueryInput.Convert(form.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));

    [Fact]
    public void Convert_WhenAttributesAreEntries_MakesAMapByKey()
    {
        var input = Convert(("Action", "Subscribe"), ("Attributes.entry.2.key", "B"), ("Attributes.entry.2.value", "2"),
            ("Attributes.entry.1.key", "RawMessageDelivery"), ("Attributes.entry.1.value", "true"));

        Assert.Equal("Subscribe", SnsErrors.Input.String(input, "Action"));
        Assert.Equal(new Dictionary<string, string> { ["RawMessageDelivery"] = "true", ["B"] = "2" }, SnsErrors.Input.Map(input, "Attributes"));
    }

    [Fact]
    public void Convert_WhenMessageAttributesAreEntries_MakesStructuresByName()
    {
        var input = Convert(("MessageAttributes.entry.1.Name", "n"), ("MessageAttributes.entry.1.Value.DataType", "Number"),
            ("MessageAttributes.entry.1.Value.StringValue", "3"), ("MessageAttributes.entry.2.Name", "b"),
            ("MessageAttributes.entry.2.Value.DataType", "Binary"), ("MessageAttributes.entry.2.Value.BinaryValue", "AAE="));

        var attributes = SnsService.MessageAttributes(input);

        Assert.Equal(new TypedAttribute("Number", "3"), attributes["n"]);
        Assert.Equal(new TypedAttribute("Binary", "AAE="), attributes["b"]);
    }

    [Fact]
    public void Convert_WhenBatchEntriesAreMembers_MakesAListInIndexOrderWithNestedMaps()
    {
        var input = Convert(("PublishBatchRequestEntries.member.10.Id", "ten"), ("PublishBatchRequestEntries.member.10.Message", "m10"),
            ("PublishBatchRequestEntries.member.2.Id", "two"), ("PublishBatchRequestEntries.member.2.Message", "m2"),
            ("PublishBatchRequestEntries.member.2.MessageAttributes.entry.1.Name", "k"),
            ("PublishBatchRequestEntries.member.2.MessageAttributes.entry.1.Value.DataType", "String"),
            ("PublishBatchRequestEntries.member.2.MessageAttributes.entry.1.Value.StringValue", "v"));

        var entries = SnsErrors.Input.Objects(input, "PublishBatchRequestEntries");

        Assert.Equal(["two", "ten"], entries.Select(e => SnsErrors.Input.String(e, "Id")));
        Assert.Equal(new TypedAttribute("String", "v"), SnsService.MessageAttributes(entries[0])["k"]);
    }

    [Theory]
    [InlineData("Number", "not a number", "Could not cast")]
    [InlineData("Numbers", "1", "supported type prefixes")]
    [InlineData("String", "", "non-empty message attribute value")]
    [InlineData("Binary", "%%%", "base64")]
    public void MessageAttributes_WhenAValueDoesNotFitItsType_IsParameterValueInvalid(string type, string value, string expected)
    {
        var member = type == "Binary" ? "BinaryValue" : "StringValue";
        var input = new JsonObject { ["MessageAttributes"] = new JsonObject { ["a"] = new JsonObject { ["DataType"] = type, [member] = value } } };

        var error = Assert.Throws<AwsServiceException>(() => SnsService.MessageAttributes(input));

        Assert.Equal("ParameterValueInvalid", error.QueryCode);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MessageAttributes_WhenMoreThanTen_IsParameterValueInvalid()
    {
        var members = new JsonObject();
        for (var i = 0; i < 11; i++)
        {
            members[$"a{i}"] = new JsonObject { ["DataType"] = "String", ["StringValue"] = "v" };
        }

        var error = Assert.Throws<AwsServiceException>(() => SnsService.MessageAttributes(new JsonObject { ["MessageAttributes"] = members }));

        Assert.Equal("Number of message attributes [11] exceeds the allowed maximum [10].", error.Message);
    }
}
