using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Orleans.AsyncInvoke.Queues;
using Orleans.AsyncInvoke.Silo.Gateway.Aws;
using Orleans.AsyncInvoke.Silo.Gateway.Aws.Sqs;

namespace Orleans.AsyncInvoke.Tests.Sqs;

/// <summary>Errors and results in the shapes SQS answers with, and the queue attribute rules.</summary>
public sealed class SqsErrorShapeTests
{
    private static readonly XNamespace Sqs = "http://queue.amazonaws.com/doc/2012-11-05/";

    private static async Task<(HttpResponse Response, string Body)> RunAsync(IResult result)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        context.Response.Body = new MemoryStream();
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        return (context.Response, Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
    }

    [Fact]
    public async Task Error_WhenJsonProtocol_SendsTypeMessageAndTheQueryErrorHeader()
    {
        var (response, body) = await RunAsync(AwsResults.Error(AwsProtocol.Json, SqsErrors.NonExistentQueue(), "r-1", "application/x-amz-json-1.0", Sqs.NamespaceName));

        Assert.Equal(400, response.StatusCode);
        Assert.Equal("application/x-amz-json-1.0", response.ContentType);
        Assert.Equal("AWS.SimpleQueueService.NonExistentQueue;Sender", response.Headers["x-amzn-query-error"].ToString());
        using var json = JsonDocument.Parse(body);
        Assert.Equal("com.amazonaws.sqs#QueueDoesNotExist", json.RootElement.GetProperty("__type").GetString());
        Assert.Equal("The specified queue does not exist.", json.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Error_WhenQueryProtocol_SendsAnErrorResponseWithTypeCodeMessageAndRequestId()
    {
        var (response, body) = await RunAsync(AwsResults.Error(AwsProtocol.Query, SqsErrors.ReceiptHandleIsInvalid("junk"), "r-2", "application/x-amz-json-1.0", Sqs.NamespaceName));

        Assert.Equal(400, response.StatusCode);
        var root = XDocument.Parse(body).Root!;
        Assert.Equal(Sqs + "ErrorResponse", root.Name);
        Assert.Equal("Sender", root.Element(Sqs + "Error")!.Element(Sqs + "Type")!.Value);
        Assert.Equal("ReceiptHandleIsInvalid", root.Element(Sqs + "Error")!.Element(Sqs + "Code")!.Value);
        Assert.Equal("The input receipt handle \"junk\" is not a valid receipt handle.", root.Element(Sqs + "Error")!.Element(Sqs + "Message")!.Value);
        Assert.Equal("r-2", root.Element(Sqs + "RequestId")!.Value);
    }

    [Fact]
    public async Task QueryResult_WhenAReceiveHasMessages_FlattensListsAndMapsAsSqsDoes()
    {
        var output = new System.Text.Json.Nodes.JsonObject
        {
            ["Messages"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
            {
                ["MessageId"] = "m-1",
                ["Body"] = "b",
                ["Attributes"] = new System.Text.Json.Nodes.JsonObject { ["SenderId"] = "000000000000" },
                ["MessageAttributes"] = new System.Text.Json.Nodes.JsonObject { ["k"] = new System.Text.Json.Nodes.JsonObject { ["StringValue"] = "v", ["DataType"] = "String" } },
            }),
        };
        var service = new SqsService(null!, TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new Hosting.AsyncInvokeOptions()), null!);

        var (_, body) = await RunAsync(service.QueryResult("ReceiveMessage", output, "r-3"));

        var message = XDocument.Parse(body).Root!.Element(Sqs + "ReceiveMessageResult")!.Element(Sqs + "Message")!;
        Assert.Equal("m-1", message.Element(Sqs + "MessageId")!.Value);
        Assert.Equal(("SenderId", "000000000000"), (message.Element(Sqs + "Attribute")!.Element(Sqs + "Name")!.Value, message.Element(Sqs + "Attribute")!.Element(Sqs + "Value")!.Value));
        var attribute = message.Element(Sqs + "MessageAttribute")!;
        Assert.Equal("k", attribute.Element(Sqs + "Name")!.Value);
        Assert.Equal("v", attribute.Element(Sqs + "Value")!.Element(Sqs + "StringValue")!.Value);
    }

    [Theory]
    [InlineData("VisibilityTimeout", "43201", "from 0 to 43200")]
    [InlineData("DelaySeconds", "-1", "from 0 to 900")]
    [InlineData("FifoQueue", "true", "FIFO queues are not supported")]
    [InlineData("ContentBasedDeduplication", "true", "FIFO queues are not supported")]
    [InlineData("ApproximateNumberOfMessages", "3", "read-only")]
    [InlineData("Colour", "blue", "Unknown Attribute Colour")]
    [InlineData("RedrivePolicy", """{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":0}""", "maxReceiveCount")]
    [InlineData("RedrivePolicy", """{"maxReceiveCount":3}""", "deadLetterTargetArn")]
    public void Problem_WhenAnAttributeIsRefused_SaysWhy(string name, string value, string expected) =>
        Assert.Contains(expected, QueueAttributes.Problem(name, value), StringComparison.Ordinal);

    [Fact]
    public void ParseRedrivePolicy_WhenValid_NamesTheQueueAndCount()
    {
        var policy = QueueAttributes.ParseRedrivePolicy("""{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":"4"}""", out var problem);

        Assert.Null(problem);
        Assert.Equal(("dlq", 4), policy);
    }
}
