using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Topics;

namespace Orleans.AsyncInvoke.Destinations.EventBus;

/// <summary>
/// Wraps the record in the EventBridge envelope (<c>source: "lambda"</c>, <c>detail-type</c>, <c>detail</c>,
/// <c>resources</c>) and hands it to the targets of every matching rule, each as its own delivery, stored in the same step that
/// acknowledges the bus's delivery.
/// </summary>
internal sealed partial class EventBusAdapter(IGrainFactory grains, TimeProvider time, IOptions<AsyncInvokeOptions> options, ILogger<EventBusAdapter> logger) : IDestinationAdapter
{
    public DestinationKind Kind => DestinationKind.EventBus;

    public int MaxBatch => 256;

    public async Task<IReadOnlyList<Delivery>> DeliverAsync(DestinationAddress address, IReadOnlyList<DestinationMessage> messages, CancellationToken cancellationToken)
    {
        var rules = Usable(address.Name, await grains.GetGrain<IEventBusGrain>(address.Name).ListRulesAsync().WaitAsync(cancellationToken), logger);
        var now = time.GetUtcNow();
        var followUps = new List<Delivery>();
        foreach (var message in messages)
        {
            // An event from PutEvents is an EventBridge event already; anything else is a record to wrap.
            var envelope = message.IsEvent ? message.Body : Envelope(address.Name, message);
            using var document = JsonDocument.Parse(envelope, InvocationRecordBuilder.ReadOptions);
            foreach (var (rule, _) in rules.Where(usable => !usable.Rule.Disabled && usable.Pattern.Matches(document.RootElement)))
            {
                var routed = message with { Id = $"{message.Id}@bus/{address.Name}/{rule.Name}", Body = envelope, IsEvent = false };
                followUps.AddRange(rule.Targets.Select(target => Delivery.To(target, routed, now)).OfType<Delivery>());
                followUps.AddRange(rule.AwsTargets
                    .Select(target => Delivery.To(target.Arn, routed with
                    {
                        Id = $"{routed.Id}/{target.Id}",
                        Body = EventTargetInput.For(envelope, target.Input, target.InputPath),
                    }, now))
                    .OfType<Delivery>());
            }
        }

        return followUps;
    }

    /// <summary>
    /// The rules with their parsed patterns. A rule stored before its pattern was refusable cannot match anything: it is
    /// passed over (and logged) rather than failing every delivery to the bus; the one exception is <c>{}</c>, which was
    /// accepted as "every event" before EventBridge's rules were applied, and keeps that meaning for rules already stored.
    /// </summary>
    internal static List<(EventRule Rule, EventPattern Pattern)> Usable(string bus, IReadOnlyList<EventRule> rules, ILogger logger)
    {
        var usable = new List<(EventRule, EventPattern)>(rules.Count);
        foreach (var rule in rules)
        {
            if (EventPattern.TryParse(rule.EventPattern, out var pattern, out var reason))
            {
                usable.Add((rule, pattern));
            }
            else if (EventPattern.IsEmptyObject(rule.EventPattern))
            {
                usable.Add((rule, EventPattern.Everything));
            }
            else
            {
                LogRuleUnusable(logger, bus, rule.Name, reason);
            }
        }

        return usable;
    }

    [LoggerMessage(EventId = LogEvents.EventRuleUnusable, Level = LogLevel.Warning, Message = "Rule {Rule} of event bus {Bus} is passed over: its event pattern is not valid ({Reason})")]
    private static partial void LogRuleUnusable(ILogger logger, string bus, string rule, string reason);

    private string Envelope(string bus, DestinationMessage message)
    {
        var o = options.Value;
        string? functionArn = null;
        try
        {
            using var record = JsonDocument.Parse(message.Body, InvocationRecordBuilder.ReadOptions);
            functionArn = record.RootElement.GetProperty("requestContext").GetProperty("functionArn").GetString();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // Not a record (a raw dead-letter event): the envelope names the bus only.
        }

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, ReadableJson.Writer))
        {
            w.WriteStartObject();
            w.WriteString("version", "0");
            w.WriteString("id", message.Id);
            w.WriteString("detail-type", message.Condition == InvocationCondition.Success
                ? "Lambda Function Invocation Result - Success"
                : "Lambda Function Invocation Result - Failure");
            w.WriteString("source", "lambda");
            w.WriteString("account", o.AccountId);
            w.WriteString("time", time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("region", o.Region);
            w.WriteStartArray("resources");
            w.WriteStringValue($"arn:aws:events:{o.Region}:{o.AccountId}:event-bus/{bus}");
            if (functionArn is not null)
            {
                w.WriteStringValue(functionArn);
            }

            w.WriteEndArray();
            w.WritePropertyName("detail");
            InvocationRecordBuilder.WritePayload(w, System.Text.Encoding.UTF8.GetBytes(message.Body), InvocationRecordBuilder.ReadOptions.MaxDepth);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
