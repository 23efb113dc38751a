using System.Net.Sockets;
using System.Text;

namespace Orleans.AsyncInvoke.Tests.Infrastructure;

/// <summary>HTTP/1.1 written byte for byte to a socket: requests a client library would refuse to send.</summary>
internal static class RawHttp
{
    /// <summary>
    /// Writes the bytes and reads the answer until the server closes: its status (0 when it closed without one) and
    /// text. With <paramref name="halfClose"/> the client then stops sending, which cuts a body short; Kestrel takes
    /// that for a client gone and may close without an answer.
    /// </summary>
    public static async Task<(int Status, string Response)> SendAsync(Uri server, byte[] raw, bool halfClose, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.Host, server.Port, cancellationToken);
        try
        {
            await socket.SendAsync(raw, cancellationToken);
            if (halfClose)
            {
                socket.Shutdown(SocketShutdown.Send);
            }
        }
        catch (SocketException)
        {
            // The server may answer (and close) before it has read everything, e.g. 431 on huge headers.
        }

        var buffer = new byte[64 * 1024];
        var received = 0;
        try
        {
            int read;
            while (received < buffer.Length && (read = await socket.ReceiveAsync(buffer.AsMemory(received), cancellationToken)) > 0)
            {
                received += read;
            }
        }
        catch (SocketException)
        {
            // A reset after the answer: what was read before it still counts.
        }

        var text = Encoding.ASCII.GetString(buffer, 0, received);
        var status = text.StartsWith("HTTP/1.", StringComparison.Ordinal) && text.Length >= 12 && int.TryParse(text.AsSpan(9, 3), out var s) ? s : 0;
        return (status, text);
    }
}
