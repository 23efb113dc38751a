using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Orleans.AsyncInvoke.Diagnostics;

/// <summary>
/// The runtime's one <see cref="Meter"/> and one <see cref="ActivitySource"/>, both named
/// <see cref="MeterName"/>. Instruments carry Lambda's metric names; per-function ones are tagged <c>function</c>.
/// </summary>
public static class AsyncInvokeInstruments
{
    /// <summary>The meter and activity source name (OpenTelemetry <c>AddMeter</c> / <c>AddSource</c>).</summary>
    public const string MeterName = "Orleans.AsyncInvoke";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Traces: accept → each attempt → each destination delivery, in the invocation's trace.</summary>
    public static readonly ActivitySource ActivitySource = new(MeterName);

    /// <summary>Events accepted for asynchronous invocation.</summary>
    public static readonly Counter<long> AsyncEventsReceived = Meter.CreateCounter<long>("AsyncEventsReceived", description: "Events accepted for asynchronous invocation.");

    /// <summary>Time from accept to the start of an attempt.</summary>
    public static readonly Histogram<double> AsyncEventAge = Meter.CreateHistogram<double>("AsyncEventAge", unit: "ms", description: "Time between accepting an event and starting an attempt.");

    /// <summary>Events that ended without a successful run (out of retries, out of age, zero concurrency).</summary>
    public static readonly Counter<long> AsyncEventsDropped = Meter.CreateCounter<long>("AsyncEventsDropped", description: "Events that ended without a successful run.");

    /// <summary>Attempts started.</summary>
    public static readonly Counter<long> Invocations = Meter.CreateCounter<long>("Invocations", description: "Function attempts started.");

    /// <summary>Attempts that ended with a function error.</summary>
    public static readonly Counter<long> Errors = Meter.CreateCounter<long>("Errors", description: "Function attempts that ended with a function error.");

    /// <summary>Attempts held back by reserved concurrency, a 429/503 answer or a system error.</summary>
    public static readonly Counter<long> Throttles = Meter.CreateCounter<long>("Throttles", description: "Attempts held back and rescheduled.");

    /// <summary>Attempt duration.</summary>
    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("Duration", unit: "ms", description: "Function attempt duration.");

    /// <summary>Attempts running now.</summary>
    public static readonly UpDownCounter<long> ConcurrentExecutions = Meter.CreateUpDownCounter<long>("ConcurrentExecutions", description: "Function attempts running now.");

    /// <summary>How late an attempt started against the time it was due.</summary>
    public static readonly Histogram<double> RetryLateness = Meter.CreateHistogram<double>("RetryLateness", unit: "ms", description: "Delay between an attempt's due time and its start.");

    /// <summary>Failed delivery attempts to a destination (tag <c>destination</c>).</summary>
    public static readonly Counter<long> DestinationDeliveryFailures =
        Meter.CreateCounter<long>("DestinationDeliveryFailures", description: "Failed attempts to deliver an invocation record to a destination.");

    /// <summary>Failed attempts to send a raw event to a dead-letter queue (tag <c>destination</c>).</summary>
    public static readonly Counter<long> DeadLetterErrors =
        Meter.CreateCounter<long>("DeadLetterErrors", description: "Failed attempts to send an event to its dead-letter queue.");

    private static readonly ConcurrentDictionary<string, Func<long>> s_pending = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Func<double>> s_wakeUpLag = new(StringComparer.Ordinal);

    /// <summary>Unfinished invocations in the store (cluster-wide, as each silo last counted them; tag <c>silo</c>).</summary>
    public static readonly ObservableGauge<long> PendingInvocations =
        Meter.CreateObservableGauge("PendingInvocations", () => Observe(s_pending), description: "Invocations accepted and not final yet.");

    /// <summary>How far the earliest due wake-up is behind now, as each silo sees it (tag <c>silo</c>): near zero while the scheduler keeps up.</summary>
    public static readonly ObservableGauge<double> WakeUpLag =
        Meter.CreateObservableGauge("WakeUpLag", () => Observe(s_wakeUpLag), unit: "ms", description: "How late the earliest due wake-up is.");

    /// <summary>
    /// Sets where one silo's <see cref="PendingInvocations"/> and <see cref="WakeUpLag"/> read from; every silo of a
    /// process reports its own, tagged with its address.
    /// </summary>
    /// <returns>Removes the silo's gauges when disposed (the silo stops).</returns>
    public static IDisposable ObserveScheduler(string silo, Func<long> pending, Func<double> wakeUpLag)
    {
        s_pending[silo] = pending;
        s_wakeUpLag[silo] = wakeUpLag;
        return new Unobserve(silo);
    }

    private static IEnumerable<Measurement<T>> Observe<T>(ConcurrentDictionary<string, Func<T>> sources)
        where T : struct =>
        [.. sources.Select(s => new Measurement<T>(s.Value(), new KeyValuePair<string, object?>("silo", s.Key)))];

    private sealed class Unobserve(string silo) : IDisposable
    {
        public void Dispose()
        {
            s_pending.TryRemove(silo, out _);
            s_wakeUpLag.TryRemove(silo, out _);
        }
    }

    /// <summary>The <c>function</c> tag.</summary>
    public static KeyValuePair<string, object?> Function(string name) => new("function", name);

    /// <summary>Starts a span continuing the trace in <paramref name="traceParent"/> (or a new trace).</summary>
    public static Activity? StartSpan(string name, string? traceParent, ActivityKind kind = ActivityKind.Internal) =>
        ActivitySource.StartActivity(name, kind,
            traceParent is not null && ActivityContext.TryParse(traceParent, null, out var parent) ? parent : default);
}
