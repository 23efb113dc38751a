using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Hosting;

namespace Orleans.AsyncInvoke.Scheduling;

/// <summary>
/// The runtime's view of time: the injected <see cref="TimeProvider"/> plus time compression, which shortens
/// platform waits (retry delays, throttle backoff, maximum event age) and nothing else.
/// </summary>
public sealed class PlatformClock(TimeProvider time, IOptions<AsyncInvokeOptions> options)
{
    private readonly double _compression = options.Value.TimeCompression;

    /// <summary>The underlying clock.</summary>
    public TimeProvider Time => time;

    /// <summary>Now.</summary>
    public DateTimeOffset UtcNow => time.GetUtcNow();

    /// <summary>A platform wait as it actually elapses under time compression.</summary>
    public TimeSpan Scale(TimeSpan wait) =>
        _compression == 1 ? wait : TimeSpan.FromTicks((long)(wait.Ticks / _compression));
}
