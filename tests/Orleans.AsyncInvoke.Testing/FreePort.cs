using System.Net;
using System.Net.Sockets;

namespace Orleans.AsyncInvoke.Testing;

public static class FreePort
{
    /// <summary>A TCP port nobody listens on right now.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
