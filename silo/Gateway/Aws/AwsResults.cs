using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;

namespace Orleans.AsyncInvoke.Silo.Gateway.Aws;

/// <summary>
/// How a query-protocol service lays out its XML: the element of each member of a list (<c>Messages</c> →
/// <c>Message</c>, flattened as the query protocol does), and of each entry of a map (<c>Attributes</c> →
/// <c>Attribute</c> with <c>Name</c> and <c>Value</c>).
/// </summary>
/// <param name="Namespace">The XML namespace of the service's answers.</param>
/// <param name="ListMember">The element name of a list's members, given the operation and the list's JSON name.</param>
/// <param name="MapEntry">The element name of a map's entries and the names of their key and value, or <c>null</c> for a plain structure.</param>
internal sealed record AwsXmlShape(
    string Namespace,
    Func<string, string, string> ListMember,
    Func<string, (string Entry, string Key, string Value)?> MapEntry);

/// <summary>Writes AWS answers: query-protocol XML results and errors in either protocol.</summary>
internal static class AwsResults
{
    private static readonly XmlWriterSettings Settings = new() { Encoding = new UTF8Encoding(false), Indent = false };

    /// <summary><c>&lt;OpResponse&gt;&lt;OpResult&gt;…&lt;/OpResult&gt;&lt;ResponseMetadata&gt;…</c>; operations without a result shape have no result element.</summary>
    public static IResult QueryXml(AwsXmlShape shape, string operation, JsonObject output, string requestId, bool hasResult) => new XmlResult(200, writer =>
    {
        writer.WriteStartElement(operation + "Response", shape.Namespace);
        if (hasResult || output.Count > 0)
        {
            writer.WriteStartElement(operation + "Result", shape.Namespace);
            WriteMembers(writer, shape, operation, output);
            writer.WriteEndElement();
        }

        writer.WriteStartElement("ResponseMetadata", shape.Namespace);
        writer.WriteElementString("RequestId", shape.Namespace, requestId);
        writer.WriteEndElement();
        writer.WriteEndElement();
    });

    /// <summary>An error: the JSON protocol's <c>{"__type","message"}</c> with <c>x-amzn-query-error</c>, or the query protocol's <c>ErrorResponse</c>.</summary>
    public static IResult Error(AwsProtocol protocol, AwsServiceException error, string requestId, string jsonContentType, string xmlNamespace)
    {
        if (protocol == AwsProtocol.Json)
        {
            return new JsonErrorResult(error, jsonContentType);
        }

        return new XmlResult(error.Status, writer =>
        {
            writer.WriteStartElement("ErrorResponse", xmlNamespace);
            writer.WriteStartElement("Error", xmlNamespace);
            writer.WriteElementString("Type", xmlNamespace, error.Fault);
            writer.WriteElementString("Code", xmlNamespace, error.QueryCode);
            writer.WriteElementString("Message", xmlNamespace, error.Message);
            writer.WriteElementString("Detail", xmlNamespace, "");
            writer.WriteEndElement();
            writer.WriteElementString("RequestId", xmlNamespace, requestId);
            writer.WriteEndElement();
        });
    }

    private static void WriteMembers(XmlWriter writer, AwsXmlShape shape, string operation, JsonObject members)
    {
        foreach (var (name, value) in members)
        {
            switch (value)
            {
                case null:
                    break;
                case JsonArray list:
                    var member = shape.ListMember(operation, name);
                    foreach (var item in list)
                    {
                        WriteValue(writer, shape, operation, member, item);
                    }

                    break;
                case JsonObject map when shape.MapEntry(name) is { } entry:
                    foreach (var (key, item) in map)
                    {
                        writer.WriteStartElement(entry.Entry, shape.Namespace);
                        writer.WriteElementString(entry.Key, shape.Namespace, key);
                        WriteValue(writer, shape, operation, entry.Value, item);
                        writer.WriteEndElement();
                    }

                    break;
                default:
                    WriteValue(writer, shape, operation, name, value);
                    break;
            }
        }
    }

    private static void WriteValue(XmlWriter writer, AwsXmlShape shape, string operation, string element, JsonNode? value)
    {
        writer.WriteStartElement(element, shape.Namespace);
        if (value is JsonObject structure)
        {
            WriteMembers(writer, shape, operation, structure);
        }
        else if (value is JsonValue scalar)
        {
            writer.WriteString(scalar.GetValueKind() switch
            {
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.String => scalar.GetValue<string>(),
                _ => scalar.ToJsonString(),
            });
        }

        writer.WriteEndElement();
    }

    private sealed class XmlResult(int status, Action<XmlWriter> write) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "text/xml";
            using var buffer = new MemoryStream();
            using (var writer = XmlWriter.Create(buffer, Settings))
            {
                write(writer);
            }

            buffer.Position = 0;
            await buffer.CopyToAsync(httpContext.Response.Body, httpContext.RequestAborted);
        }
    }

    private sealed class JsonErrorResult(AwsServiceException error, string contentType) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = error.Status;
            response.ContentType = contentType;
            response.Headers["x-amzn-query-error"] = $"{error.QueryCode};{error.Fault}";
            var body = new JsonObject { ["__type"] = error.JsonType, ["message"] = error.Message };
            await response.WriteAsync(body.ToJsonString(), httpContext.RequestAborted);
        }
    }
}
