using System.Diagnostics;

namespace Orleans.AsyncInvoke.Tests.Infrastructure;

/// <summary>
/// The one way tests wait for something that happens on a silo or a server: read until the condition holds, and
/// fail with what was last seen when it does not within the patience (real time; the fake clock never moves here).
/// </summary>
public static class Eventually
{
    /// <summary>How long a test waits by default.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>Reads until <paramref name="reached"/> holds and returns what was read; throws <see cref="TimeoutException"/> otherwise.</summary>
    public static async Task<T> ReachAsync<T>(Func<Task<T>> read, Func<T, bool> reached, string what, TimeSpan? patience = null, TimeSpan? every = null)
    {
        var limit = patience ?? Patience;
        var guard = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (reached(value))
            {
                return value;
            }

            if (guard.Elapsed > limit)
            {
                throw new TimeoutException($"Waited {limit.TotalSeconds:0} s for {what}; last seen: {Describe(value)}.");
            }

            await Task.Delay(every ?? PollInterval);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, reading it <paramref name="every"/> (a costly read); throws <see cref="TimeoutException"/> otherwise.</summary>
    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan patience, TimeSpan every) =>
        ReachAsync(condition, static ok => ok, what, patience, every);

    /// <summary>Looks (synchronously) until <paramref name="reached"/> holds and returns what was seen; throws <see cref="TimeoutException"/> otherwise.</summary>
    public static Task<T> ObserveAsync<T>(Func<T> read, Func<T, bool> reached, string what, TimeSpan? patience = null) =>
        ReachAsync(() => Task.FromResult(read()), reached, what, patience);

    /// <summary>Waits until <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> otherwise.</summary>
    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? patience = null) =>
        ReachAsync(condition, static ok => ok, what, patience);

    /// <summary>Waits until <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> otherwise.</summary>
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? patience = null) =>
        ReachAsync(() => Task.FromResult(condition()), static ok => ok, what, patience);

    private static string Describe<T>(T value) => value switch
    {
        null => "nothing",
        System.Collections.ICollection c => $"{c.Count} item(s)",
        _ => value.ToString() ?? "?",
    };
}
