using System.Collections.Concurrent;
using System.Net;
using Orleans.AsyncInvoke.Testing;

namespace Orleans.AsyncInvoke.Tests.Infrastructure;

/// <summary>A real HTTP function on loopback whose answers the test scripts per request.</summary>
public sealed class FunctionServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerContext, string, Task> _handle;
    private readonly Task _loop;

    public FunctionServer(Func<HttpListenerContext, string, Task> handle)
        : this(FreePort.Next(), handle)
    {
    }

    public FunctionServer(int port, Func<HttpListenerContext, string, Task> handle)
    {
        _handle = handle;
        Url = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }

    public ConcurrentQueue<(IReadOnlyDictionary<string, string> Headers, string Path, string Body)> Requests { get; } = new();

    public static async Task ReplyAsync(HttpListenerContext context, int status, string body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using var reader = new StreamReader(context.Request.InputStream);
                var body = await reader.ReadToEndAsync();
                var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
                Requests.Enqueue((headers, context.Request.Url!.AbsolutePath, body));
                try
                {
                    await _handle(context, body);
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    // The client went away (timeout tests).
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _listener.Close();
        }
        catch (HttpListenerException)
        {
            // The managed listener re-binds the port to unregister it after Stop; when another test has taken the
            // port by then, closing fails. The server is done either way.
        }

        await _loop;
    }
}
