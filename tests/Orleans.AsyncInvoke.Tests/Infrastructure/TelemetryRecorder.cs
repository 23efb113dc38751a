using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Orleans.AsyncInvoke.Diagnostics;

namespace Orleans.AsyncInvoke.Tests.Infrastructure;

/// <summary>Listens to the runtime's activity source and meter in this process (in-process silos included).</summary>
public sealed class TelemetryRecorder : IDisposable
{
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();

    public TelemetryRecorder()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == AsyncInvokeInstruments.MeterName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => Spans.Add(activity),
        };
        ActivitySource.AddActivityListener(_activities);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == AsyncInvokeInstruments.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, 1, tags));
        _meters.Start();
    }

    public ConcurrentBag<Activity> Spans { get; } = [];

    /// <summary>Sums by instrument and function tag (histograms count recordings).</summary>
    public ConcurrentDictionary<(string Instrument, string Function), long> Totals { get; } = new();

    public long Total(string instrument, string function) => Totals.GetValueOrDefault((instrument, function));

    public IReadOnlyList<Activity> SpansOf(string requestId) =>
        [.. Spans.Where(s => (string?)s.GetTagItem("faas.invocation_id") == requestId).OrderBy(s => s.StartTimeUtc)];

    private void Record(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "function")
            {
                Totals.AddOrUpdate((instrument.Name, (string)tag.Value!), value, (_, v) => v + value);
            }
        }
    }

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }
}
