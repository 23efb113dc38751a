using System.Text;
using static Orleans.AsyncInvoke.Tests.Gateway.Fuzz.FuzzValues;

namespace Orleans.AsyncInvoke.Tests.Gateway.Fuzz;

/// <summary>HTTP/1.1 a client library refuses to send: bad bytes in the request line and headers, lying lengths, broken chunks.</summary>
internal static class FuzzRaw
{
    /// <summary>The bytes, and whether the client then stops sending (a body cut short only ends that way).</summary>
    public static (byte[] Bytes, bool HalfClose) Request(Random rng, string method, string path, byte[]? body)
    {
        body ??= [];
        var head = new List<byte>();
        void Text(string s) => head.AddRange(Encoding.ASCII.GetBytes(s));
        void Bytes(params byte[] b) => head.AddRange(b);

        var kind = rng.Next(14);
        switch (kind)
        {
            case 0:
                Text($"{method} {path}");
                Bytes(0xFF, 0xFE, 0xC0, 0xAF);
                Text(" HTTP/1.1\r\n");
                break;
            case 1:
                Bytes(0x47, 0x01, 0x54);
                Text($" {path} HTTP/1.1\r\n");
                break;
            case 2:
                Text($"{method} {path} HTTP/1.1\r\nX-Amz-Invocation-Type: ");
                Bytes(0xC3, 0x28, 0x00, 0xFF);
                Text("\r\n");
                break;
            case 3:
                Text($"{method} {path} HTTP/1.1\r\nheader without colon\r\n");
                break;
            case 4:
                Text($"{method} /{new string('a', 20_000)} HTTP/1.1\r\n");
                break;
            case 5:
                Text($"{method} {path} HTTP/9.9\r\n");
                break;
            case 6:
                Text($"{method} http://elsewhere.example{path} HTTP/1.1\r\n");
                break;
            default:
                Text($"{method} {path} HTTP/1.1\r\n");
                break;
        }

        Text("Host: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n");
        byte[] tail;
        var halfClose = false;
        switch (kind)
        {
            case 7:
                Text($"Content-Length: {Pick(rng, ["-1", "99999999999999999999", "abc", "1, 2", ""])}\r\n\r\n");
                tail = body;
                break;
            case 8:
                Text($"Content-Length: {body.Length}\r\nContent-Length: {body.Length + 5}\r\n\r\n");
                tail = body;
                break;
            case 9:
                Text("Transfer-Encoding: chunked\r\n\r\n");
                var chunks = Pick(rng, ["zz\r\nabc\r\n0\r\n\r\n", "5\r\nab\r\n", "FFFFFFFFFFFFFFFF\r\n", "3;ext=\"x\r\nabc\r\n0\r\n\r\n"]);
                tail = Encoding.ASCII.GetBytes(chunks);
                halfClose = chunks == "5\r\nab\r\n";
                break;
            case 10:
                // A body shorter than its Content-Length: the client then stops sending.
                Text($"Content-Length: {body.Length + 1000}\r\n\r\n");
                tail = body;
                halfClose = true;
                break;
            case 11:
                Text("Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n");
                tail = Encoding.ASCII.GetBytes("3\r\nabc\r\n0\r\n\r\n");
                break;
            case 12:
                Text("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
                tail = [];
                break;
            default:
                Text($"Content-Length: {body.Length}\r\n\r\n");
                tail = body;
                break;
        }

        return ([.. head, .. tail], halfClose);
    }
}
