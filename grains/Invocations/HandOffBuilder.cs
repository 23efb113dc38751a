using System.Text;
using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Functions;

namespace Orleans.AsyncInvoke.Invocations;

/// <summary>
/// What a final invocation hands over, as pure data: its record to the <c>OnSuccess</c> or <c>OnFailure</c>
/// destination, and on failure its raw event to the dead-letter queue (both when both are set). The deliveries go
/// into the invocation's final write (its outbox).
/// </summary>
public static class HandOffBuilder
{
    /// <summary>The error type of an event stopped by the recursive-loop guard.</summary>
    public const string RecursiveInvocation = "RecursiveInvocationException";

    /// <summary>Longest <c>ErrorMessage</c> attribute of a dead-letter message, in UTF-8 bytes.</summary>
    public const int MaxErrorMessageBytes = 1024;

    /// <summary>The deliveries of the final invocation <paramref name="requestId"/>; none when nothing is configured.</summary>
    public static IReadOnlyList<Delivery> Build(string requestId, InvocationState state, ResolvedFunction? function, DateTimeOffset now)
    {
        if (function is null || state.Condition is null)
        {
            return [];
        }

        var deliveries = new List<Delivery>(2);
        // A retried (redriven) invocation ends again: its hand-off gets ids of its own, so destinations that
        // de-duplicate by id (a function destination derives its invocation from it) take the new end as new.
        var round = state.RedrivenAt is { } redriven ? $"@{redriven.ToUnixTimeMilliseconds()}" : "";
        var success = state.Condition == InvocationCondition.Success;
        // An event the recursive-loop guard stopped hands over its record and raw event once, and nothing after it.
        var endsChain = state.LastError?.ErrorType == RecursiveInvocation;
        var destination = success ? function.Config?.OnSuccess : function.Config?.OnFailure;
        if (destination is not null && state.Record is not null && Delivery.To(destination, new DestinationMessage
        {
            Id = $"{requestId}{round}:{(success ? "success" : "failure")}",
            Body = state.Record,
            RequestId = requestId,
            Condition = state.Condition,
            ChainDepth = state.ChainDepth,
            TraceParent = state.TraceParent,
            EndsChain = endsChain,
        }, now) is { } record)
        {
            deliveries.Add(record);
        }

        if (!success && function.Definition.DeadLetterTarget is { } deadLetter && Delivery.To(deadLetter, new DestinationMessage
        {
            Id = requestId + round + DestinationMessage.DeadLetterSuffix,
            Body = Encoding.UTF8.GetString(state.Payload),
            RequestId = requestId,
            Condition = state.Condition,
            TraceParent = state.TraceParent,
            EndsChain = endsChain,
            Attributes = new Dictionary<string, string>
            {
                ["RequestID"] = requestId,
                // Lambda reports the status code: 200 for a function error, 429 when no attempt could run.
                ["ErrorCode"] = state.AttemptCount > 0 ? "200" : "429",
                ["ErrorMessage"] = Truncate(state.LastError?.ErrorMessage ?? state.Condition, MaxErrorMessageBytes),
            },
        }, now) is { } dead)
        {
            deliveries.Add(dead);
        }

        return deliveries;
    }

    private static string Truncate(string text, int maxBytes)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return bytes.Length <= maxBytes ? text : Encoding.UTF8.GetString(bytes, 0, maxBytes).TrimEnd('\uFFFD');
    }
}
