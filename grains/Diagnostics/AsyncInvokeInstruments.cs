using System.Diagnostics.Metrics;

namespace Orleans.AsyncInvoke.Diagnostics;

/// <summary>The runtime's one <see cref="Meter"/>, with instruments named as Lambda users know them.</summary>
public static class AsyncInvokeInstruments
{
    /// <summary>The meter name to subscribe to (OpenTelemetry <c>AddMeter</c>, <c>MeterListener</c>).</summary>
    public const string MeterName = "Orleans.AsyncInvoke";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Failed delivery attempts to a destination (tag <c>destination</c>).</summary>
    public static readonly Counter<long> DestinationDeliveryFailures =
        Meter.CreateCounter<long>("DestinationDeliveryFailures", description: "Failed attempts to deliver an invocation record to a destination.");

    /// <summary>Failed attempts to send a raw event to a dead-letter queue (tag <c>destination</c>).</summary>
    public static readonly Counter<long> DeadLetterErrors =
        Meter.CreateCounter<long>("DeadLetterErrors", description: "Failed attempts to send an event to its dead-letter queue.");
}
