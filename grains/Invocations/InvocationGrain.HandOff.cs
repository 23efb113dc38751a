using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Diagnostics;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Invocations.Storage;

namespace Orleans.AsyncInvoke.Invocations;

/// <summary>The end of an invocation: its record, its callback, and the hand-off of both to where they go.</summary>
public sealed partial class InvocationGrain
{
    /// <summary>
    /// Ends the invocation: builds its record, stores the OpenFaaS callback, then makes it final in one write that
    /// carries its destination and dead-letter deliveries.
    /// </summary>
    private async Task FinishAsync(
        string condition,
        ResolvedFunction? function,
        string? fallbackArn = null,
        byte[]? responsePayload = null,
        bool functionError = false,
        bool handOff = true)
    {
        _finishing = true;
        var now = clock.UtcNow;
        var functionArn = function?.FunctionArn ?? fallbackArn ?? S.FunctionName;
        var executedVersion = function?.ExecutedVersion ?? FunctionNames.Latest;
        // A success keeps its outcome, not its payloads: its record is written now only when a destination takes it,
        // and again from the state whenever its status is read.
        var recordQualifier = condition == InvocationCondition.Success && !_options.KeepSucceededPayloads ? arns.QualifierOf(S.FunctionName, functionArn) : null;
        var record = recordQualifier is not null && (!handOff || function?.Config?.OnSuccess is null)
            ? null
            : InvocationRecordBuilder.Build(new InvocationRecordBuilder.Input(
                RequestId,
                functionArn,
                condition,
                S.AttemptCount,
                now,
                S.Payload,
                executedVersion,
                responsePayload,
                functionError));

        // The callback is stored before the invocation turns final: a crash in between repeats the hand-over,
        // which the callback grain ignores, instead of losing it.
        if (S.CallbackUrl is { } callbackUrl)
        {
            await GrainFactory.GetGrain<ICallbackGrain>(RequestId).ScheduleAsync(CallbackFor(callbackUrl, condition, now, responsePayload));
        }

        InvocationTransitions.Finish(S, condition, now, now + _options.Retention, record, responsePayload);
        // The record and the dead-letter event are stored in the very write that makes the invocation final (its
        // outbox): the hand-off is never lost between two writes, nor repeated.
        await SaveWithHandOffAsync(handOff ? function : null, recordQualifier is null ? null : (recordQualifier, executedVersion));
        _timer.Cancel();
        DeactivateOnIdle();

        LogCompleted(logger, RequestId, S.FunctionName, condition, S.AttemptCount);
        if (condition != InvocationCondition.Success)
        {
            AsyncInvokeInstruments.AsyncEventsDropped.Add(1, AsyncInvokeInstruments.Function(S.FunctionName), new("condition", condition));
        }

        Publish(InvocationEventKind.Completed, S.AttemptCount, condition: condition);
    }

    private CallbackRequest CallbackFor(string url, string condition, DateTimeOffset now, byte[]? responsePayload) => new()
    {
        Url = url,
        Body = responsePayload ?? [],
        Headers = new Dictionary<string, string>
        {
            ["X-Call-Id"] = RequestId,
            ["X-Function-Name"] = S.FunctionName,
            ["X-Function-Status"] = condition == InvocationCondition.Success ? "200" : "500",
            ["X-Duration-Seconds"] = (now - S.ReceivedAt).TotalSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture),
            ["X-Invocation-Condition"] = condition,
        },
    };

    /// <summary>Writes the final state with its deliveries, then hands them to this silo's pump when it has room.</summary>
    private async Task SaveWithHandOffAsync(ResolvedFunction? function, (string Qualifier, string ExecutedVersion)? leaveOutPayloads = null)
    {
        var handOff = HandOffBuilder.Build(RequestId, S, function, clock.UtcNow);
        if (leaveOutPayloads is { } kept)
        {
            // The deliveries hold what they need: the state keeps what its record is written again from.
            InvocationTransitions.LeaveOutPayloads(S, kept.Qualifier, kept.ExecutedVersion);
        }

        if (handOff.Count == 0)
        {
            await SaveAsync();
            return;
        }

        var handOver = deliveries.Reserve(handOff.Count);
        await SaveAsync(new Outbox(handOff, handOver.DueAt));
        if (handOver.Local)
        {
            deliveries.Submit(handOff);
        }
        else
        {
            deliveries.Nudge();
        }
    }

    /// <summary>A final invocation stored by an earlier version with its hand-off still to do: do it now, in one write.</summary>
    private async Task RetryHandOffAsync()
    {
        ResolvedFunction? function = null;
        try
        {
            function = await ResolveRoutedAsync();
        }
        catch (AsyncInvokeException)
        {
            // The function is gone: nothing is configured to receive the record any more.
        }

        S.HandOffPending = false;
        await SaveWithHandOffAsync(function);
    }
}
