using Orleans.AsyncInvoke.Invocations;

namespace Orleans.AsyncInvoke.Tests.Infrastructure;

/// <summary>Records every invocation event of the test silos and lets a test await the one it expects.</summary>
public sealed class InvocationEventLog : IInvocationObserver
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private readonly object _gate = new();
    private readonly List<InvocationEvent> _events = [];
    private readonly List<(Func<InvocationEvent, bool> Match, TaskCompletionSource<InvocationEvent> Done)> _waiters = [];

    public void OnEvent(InvocationEvent invocationEvent)
    {
        List<TaskCompletionSource<InvocationEvent>> matched = [];
        lock (_gate)
        {
            _events.Add(invocationEvent);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(invocationEvent))
                {
                    matched.Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var done in matched)
        {
            done.TrySetResult(invocationEvent);
        }
    }

    /// <summary>Every event so far, in order.</summary>
    public IReadOnlyList<InvocationEvent> All()
    {
        lock (_gate)
        {
            return [.. _events];
        }
    }

    /// <summary>The events of one request, in order.</summary>
    public IReadOnlyList<InvocationEvent> For(string requestId)
    {
        lock (_gate)
        {
            return [.. _events.Where(e => e.RequestId == requestId)];
        }
    }

    /// <summary>Completes with the first event (past or future) of <paramref name="requestId"/> that matches.</summary>
    public Task<InvocationEvent> WaitAsync(string requestId, InvocationEventKind kind, int? attempt = null) =>
        WaitAsync(e => e.RequestId == requestId && e.Kind == kind && (attempt is null || e.Attempt == attempt),
            $"{kind} (attempt {attempt?.ToString() ?? "any"}) of {requestId}");

    /// <summary>Completes with the <paramref name="n"/>-th event of <paramref name="kind"/> for <paramref name="requestId"/>.</summary>
    public Task<InvocationEvent> WaitForNthAsync(string requestId, InvocationEventKind kind, int n)
    {
        // Evaluated under the lock, after the event joined the list.
        bool Nth(InvocationEvent e) =>
            e.RequestId == requestId && e.Kind == kind
            && _events.Count(x => x.RequestId == requestId && x.Kind == kind) >= n
            && _events.Where(x => x.RequestId == requestId && x.Kind == kind).ElementAt(n - 1) == e;

        return WaitAsync(Nth, $"{kind} #{n} of {requestId}");
    }

    private async Task<InvocationEvent> WaitAsync(Func<InvocationEvent, bool> match, string description)
    {
        var done = new TaskCompletionSource<InvocationEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var past = _events.FirstOrDefault(match);
            if (past is not null)
            {
                return past;
            }

            _waiters.Add((match, done));
        }

        try
        {
            // A real-time guard so a broken rule fails the test instead of hanging it; the work itself runs on the fake clock.
            return await done.Task.WaitAsync(DefaultTimeout);
        }
        catch (TimeoutException)
        {
            string seen;
            lock (_gate)
            {
                seen = string.Join(", ", _events.Where(e => description.EndsWith(e.RequestId, StringComparison.Ordinal)).Select(e => $"{e.Kind}#{e.Attempt}"));
            }

            throw new TimeoutException($"Expected {description}; saw only [{seen}].");
        }
    }
}
