using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Diagnostics;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Destinations;

[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class DestinationMetricsTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Delivery_WhenItFails_CountsDeliveryFailuresAndDeadLetterErrorsForDeadLetterSends()
    {
        var counts = new ConcurrentDictionary<(string Instrument, string Destination), long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == AsyncInvokeInstruments.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "destination")
                {
                    counts.AddOrUpdate((instrument.Name, (string)tag.Value!), value, (_, v) => v + value);
                }
            }
        });
        listener.Start();
        await using var records = new CallbackReceiver(HttpStatusCode.InternalServerError);
        await using var deadLetters = new CallbackReceiver(HttpStatusCode.ServiceUnavailable);

        var requestId = RequestIds.New();
        await fixture.Cluster.Client.GetGrain<IDestinationGrain>(records.Url).EnqueueAsync(new DestinationMessage
        {
            Id = $"{requestId}:failure", Body = "{}", RequestId = requestId, Condition = InvocationCondition.RetriesExhausted,
        });
        await fixture.Cluster.Client.GetGrain<IDestinationGrain>(deadLetters.Url).EnqueueAsync(new DestinationMessage
        {
            Id = $"{requestId}:dlq", Body = "{}", RequestId = requestId, Condition = InvocationCondition.RetriesExhausted,
        });
        await records.NextAsync();
        await deadLetters.NextAsync();

        await Eventually.TrueAsync(
            () => counts.ContainsKey(("DestinationDeliveryFailures", records.Url)) && counts.ContainsKey(("DeadLetterErrors", deadLetters.Url)),
            "both failure counters");

        Assert.Equal(1, counts.GetValueOrDefault(("DestinationDeliveryFailures", records.Url)));
        Assert.Equal(1, counts.GetValueOrDefault(("DestinationDeliveryFailures", deadLetters.Url)));
        Assert.Equal(1, counts.GetValueOrDefault(("DeadLetterErrors", deadLetters.Url)));
        Assert.False(counts.ContainsKey(("DeadLetterErrors", records.Url)));
    }
}
