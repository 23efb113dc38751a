using System.Collections.Concurrent;

namespace Orleans.AsyncInvoke.Tests.Gateway.Fuzz;

/// <summary>What the run saw: answers by status, and every answer that breaks a rule, with the request that caused it.</summary>
internal sealed class FuzzTally
{
    private readonly ConcurrentDictionary<string, int> _statuses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _unshaped = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failureKinds = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly ConcurrentDictionary<string, string> _examples = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requestIds = new();
    private readonly ConcurrentDictionary<string, bool> _reached = new(StringComparer.Ordinal);
    private int _sent;
    private int _serviceErrors;

    public int Sent => _sent;

    public int ServiceErrors => _serviceErrors;

    /// <summary>The first answers that broke a rule (a few of each kind), with their requests.</summary>
    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>How many answers broke each rule.</summary>
    public IReadOnlyDictionary<string, int> FailureKinds => _failureKinds;

    /// <summary>One request per unshaped error key, to replay it.</summary>
    public IReadOnlyDictionary<string, string> Examples => _examples;

    /// <summary>Error answers (4xx) without the body of their surface's error format, by status, method and route.</summary>
    public IReadOnlyDictionary<string, int> Unshaped => _unshaped;

    /// <summary>Request ids the gateway handed out, so later requests ask for real invocations.</summary>
    public IReadOnlyList<string> RequestIds => [.. _requestIds];

    /// <summary>The route templates whose endpoint answered at least one request.</summary>
    public ICollection<string> Reached => _reached.Keys;

    public void Reach(string endpoint)
    {
        if (endpoint.Length > 0)
        {
            _reached.TryAdd(endpoint, true);
        }
    }

    public void Count(string status)
    {
        Interlocked.Increment(ref _sent);
        _statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
    }

    public void Fail(FuzzRequest request, string kind, string detail)
    {
        if (_failureKinds.AddOrUpdate(kind, 1, (_, n) => n + 1) <= 3 && _failures.Count < 60)
        {
            _failures.Enqueue($"{kind}: {detail}\n    request: {request.Describe()}");
        }
    }

    public void ServiceError() => Interlocked.Increment(ref _serviceErrors);

    public void UnshapedError(FuzzRequest request, int status, string body)
    {
        var key = $"{status} {request.Method} {request.Route.Template}";
        _unshaped.AddOrUpdate(key, 1, (_, n) => n + 1);
        _examples.TryAdd(key, $"{(body.Length > 200 ? body[..200] : body)} ← {request.Describe()}");
    }

    public void RequestId(string id)
    {
        _requestIds.Enqueue(id);
        while (_requestIds.Count > 64 && _requestIds.TryDequeue(out _))
        {
        }
    }

    public string StatusCounts() =>
        string.Join(", ", _statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}: {s.Value}"));
}
