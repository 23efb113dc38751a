using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Orleans.AsyncInvoke.Testing;

namespace Orleans.AsyncInvoke.Tests.Infrastructure;

/// <summary>A real HTTP endpoint on loopback that answers with scripted status codes and records what it received.</summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<HttpStatusCode> _answers = new();
    private readonly Channel<ReceivedCallback> _received = Channel.CreateUnbounded<ReceivedCallback>();
    private readonly FunctionServer _server;

    public CallbackReceiver(params HttpStatusCode[] answers)
        : this(FreePort.Next(), answers)
    {
    }

    public CallbackReceiver(int port, params HttpStatusCode[] answers)
    {
        foreach (var answer in answers)
        {
            _answers.Enqueue(answer);
        }

        _server = new FunctionServer(port, async (context, body) =>
        {
            var status = _answers.TryDequeue(out var scripted) ? scripted : HttpStatusCode.OK;
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            context.Response.StatusCode = (int)status;
            context.Response.Close();
            await _received.Writer.WriteAsync(new ReceivedCallback(headers, body, status));
        });
    }

    public string Url => $"{_server.Url}callback/";

    /// <summary>The next request received (any status it was answered with).</summary>
    public async Task<ReceivedCallback> NextAsync(TimeSpan? patience = null) =>
        await _received.Reader.ReadAsync().AsTask().WaitAsync(patience ?? TimeSpan.FromSeconds(30));

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

public sealed record ReceivedCallback(IReadOnlyDictionary<string, string> Headers, string Body, HttpStatusCode AnsweredWith);
