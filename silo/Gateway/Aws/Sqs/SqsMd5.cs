using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Orleans.AsyncInvoke.Silo.Gateway.Aws.Sqs;

/// <summary>
/// The digests SQS answers with and the SDKs check: of the body (its UTF-8 bytes), and of the message attributes in
/// SQS's binary encoding — attributes ordered by name; for each, the name, the data type, one transport byte (1 for
/// String and Number, 2 for Binary), then the value, every variable part preceded by its length as 4 bytes big-endian.
/// </summary>
internal static class SqsMd5
{
    /// <summary>The hex MD5 of a body.</summary>
    public static string OfBody(string body) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(body)));

    /// <summary>The hex MD5 of the attributes, or <c>null</c> when there are none (SQS then sends no digest).</summary>
    public static string? OfAttributes(IReadOnlyCollection<SqsMessageAttribute> attributes)
    {
        if (attributes.Count == 0)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        foreach (var attribute in attributes.OrderBy(a => a.Name, StringComparer.Ordinal))
        {
            Write(buffer, Encoding.UTF8.GetBytes(attribute.Name));
            Write(buffer, Encoding.UTF8.GetBytes(attribute.DataType));
            if (attribute.IsBinary)
            {
                buffer.WriteByte(2);
                Write(buffer, attribute.BinaryValue ?? []);
            }
            else
            {
                buffer.WriteByte(1);
                Write(buffer, Encoding.UTF8.GetBytes(attribute.StringValue ?? ""));
            }
        }

        return Convert.ToHexStringLower(MD5.HashData(buffer.ToArray()));
    }

    private static void Write(Stream stream, byte[] bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        stream.Write(length);
        stream.Write(bytes);
    }
}
