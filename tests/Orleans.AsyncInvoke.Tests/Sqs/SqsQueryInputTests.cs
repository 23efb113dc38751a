using System.Text.Json.Nodes;
using Orleans.AsyncInvoke.Silo.Gateway.Aws.Sqs;

namespace Orleans.AsyncInvoke.Tests.Sqs;

/// <summary>The query protocol's flattened form, brought into the JSON protocol's input shape.</summary>
public sealed class SqsQueryInputTests
{
    private static JsonObject Convert(params (string Key, string Value)[] form) =>
        SqsQueryInput.Convert(form.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));

    [Fact]
    public void Convert_WhenQueueAttributesAreNumbered_MakesAMapByName()
    {
        var input = Convert(("Action", "CreateQueue"), ("QueueName", "q"), ("Attribute.2.Name", "DelaySeconds"), ("Attribute.2.Value", "5"),
            ("Attribute.1.Name", "VisibilityTimeout"), ("Attribute.1.Value", "40"));

        Assert.Equal("q", input["QueueName"]!.GetValue<string>());
        Assert.Equal(new Dictionary<string, string> { ["VisibilityTimeout"] = "40", ["DelaySeconds"] = "5" }, SqsInput.Map(input, "Attributes"));
    }

    [Fact]
    public void Convert_WhenAttributeNamesAreNumbered_MakesAListInIndexOrder()
    {
        var input = Convert(("AttributeName.2", "SentTimestamp"), ("AttributeName.1", "All"), ("MessageAttributeName.1", "trace.*"), ("AttributeName.10", "SenderId"));

        Assert.Equal(["All", "SentTimestamp", "SenderId"], SqsInput.Strings(input, "AttributeNames"));
        Assert.Equal(["trace.*"], SqsInput.Strings(input, "MessageAttributeNames"));
    }

    [Fact]
    public void Convert_WhenMessageAttributesHaveValueFields_MakesTheJsonProtocolsStructures()
    {
        var input = Convert(("MessageAttribute.1.Name", "n"), ("MessageAttribute.1.Value.DataType", "Number"), ("MessageAttribute.1.Value.StringValue", "3"),
            ("MessageAttribute.2.Name", "b"), ("MessageAttribute.2.Value.DataType", "Binary"), ("MessageAttribute.2.Value.BinaryValue", "AAE="));

        var attributes = SqsMessageAttribute.Parse(input);

        Assert.Equal(2, attributes.Count);
        Assert.Equal(("n", "Number", "3"), (attributes[0].Name, attributes[0].DataType, attributes[0].StringValue));
        Assert.Equal(new byte[] { 0, 1 }, attributes[1].BinaryValue);
    }

    [Fact]
    public void Convert_WhenBatchEntriesNestAttributes_MakesEntriesWithTheirOwnMaps()
    {
        var input = Convert(("SendMessageBatchRequestEntry.1.Id", "a"), ("SendMessageBatchRequestEntry.1.MessageBody", "x"),
            ("SendMessageBatchRequestEntry.2.Id", "b"), ("SendMessageBatchRequestEntry.2.MessageBody", "y"), ("SendMessageBatchRequestEntry.2.DelaySeconds", "3"),
            ("SendMessageBatchRequestEntry.2.MessageAttribute.1.Name", "k"), ("SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.DataType", "String"),
            ("SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.StringValue", "v"));

        var entries = SqsInput.Objects(input, "Entries");

        Assert.Equal(["a", "b"], entries.Select(e => SqsInput.String(e, "Id")));
        Assert.Equal(3, SqsInput.Int(entries[1], "DelaySeconds", 0, 900));
        Assert.Equal("v", Assert.Single(SqsMessageAttribute.Parse(entries[1])).StringValue);
    }

    [Fact]
    public void Int_WhenTheValueIsNotAnIntegerOrOutOfRange_IsAnInvalidParameterValue()
    {
        var notANumber = Assert.Throws<Silo.Gateway.Aws.AwsServiceException>(() => SqsInput.Int(Convert(("MaxNumberOfMessages", "ten")), "MaxNumberOfMessages", 1, 10));
        var tooMany = Assert.Throws<Silo.Gateway.Aws.AwsServiceException>(() => SqsInput.Int(new JsonObject { ["MaxNumberOfMessages"] = 11 }, "MaxNumberOfMessages", 1, 10));

        Assert.Equal("InvalidParameterValue", notANumber.QueryCode);
        Assert.Equal("Value 11 for parameter MaxNumberOfMessages is invalid. Reason: must be between 1 and 10.", tooMany.Message);
    }

    [Theory]
    [InlineData("""{"x":{"DataType":"Number","StringValue":"abc"}}""", "to a number")]
    [InlineData("""{"x":{"DataType":"Text","StringValue":"abc"}}""", "supported type prefixes")]
    [InlineData("""{"AWS.x":{"DataType":"String","StringValue":"abc"}}""", "is invalid")]
    [InlineData("""{"x":{"DataType":"Binary","BinaryValue":"***"}}""", "base64")]
    [InlineData("""{"x":{"DataType":"String"}}""", "StringValue")]
    public void Parse_WhenAMessageAttributeBreaksSqsRules_SaysWhich(string attributes, string expected)
    {
        var input = new JsonObject { ["MessageAttributes"] = JsonNode.Parse(attributes) };

        var error = Assert.Throws<Silo.Gateway.Aws.AwsServiceException>(() => SqsMessageAttribute.Parse(input));

        Assert.Equal("InvalidParameterValue", error.QueryCode);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
