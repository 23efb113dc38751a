using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Orleans.AsyncInvoke.Tests.Pods;

/// <summary>
/// Sockets of another network namespace, for this very process: a socket belongs to the namespace of the thread that
/// created it, so one thread joins the namespace (<c>setns</c>) and creates every socket asked for, which then work
/// from any thread. The test's HTTP clients thus talk to pod IPs as a client pod would, while the test's own
/// namespace holds no pod address.
/// </summary>
internal sealed class NamespaceSockets : IDisposable
{
    private const int CloneNewNet = 0x40000000;
    private readonly BlockingCollection<TaskCompletionSource<Socket>> _requests = [];
    private readonly TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NamespaceSockets(string ns)
    {
        var thread = new Thread(() => Serve(ns)) { IsBackground = true, Name = $"sockets in {ns}" };
        thread.Start();
        _joined.Task.GetAwaiter().GetResult();
    }

    /// <summary>An HTTP client whose every connection is made from the namespace.</summary>
    public HttpClient CreateHttpClient(TimeSpan timeout) => new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(3),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = await CreateAsync();
            try
            {
                socket.NoDelay = true;
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { Timeout = timeout };

    public void Dispose() => _requests.CompleteAdding();

    private Task<Socket> CreateAsync()
    {
        var request = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Add(request);
        return request.Task;
    }

    private void Serve(string ns)
    {
        try
        {
            using var handle = File.OpenHandle(Path.Combine("/var/run/netns", ns));
            if (SetNamespace((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
            {
                throw new InvalidOperationException($"setns({ns}) failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        catch (Exception ex)
        {
            _joined.SetException(ex);
            return;
        }

        _joined.SetResult();
        foreach (var request in _requests.GetConsumingEnumerable())
        {
            try
            {
                request.SetResult(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
            }
            catch (SocketException ex)
            {
                request.SetException(ex);
            }
        }
    }

    // DllImport, not LibraryImport: an int-only signature needs no marshalling, and the source generator would need unsafe code.
    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetNamespace(int fd, int nsType);
}
