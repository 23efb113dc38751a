using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Queues;
using Orleans.Runtime;

namespace Orleans.AsyncInvoke.Invocations.Redrive;

/// <summary>
/// One function's bulk redrive (see <see cref="IFunctionRedriveGrain"/>): receives its queue in batches, sends each
/// event back, and deletes a message only after that. Progress is stored after every batch; a reminder brings a redrive
/// stopped by a lost silo back to life, and it goes on with the messages still in the queue.
/// </summary>
[GrainType("asyncinvoke-redrive")]
public sealed partial class FunctionRedriveGrain(
    [PersistentState("redrive", StorageNames.Functions)] IPersistentState<RedriveState> state,
    InvocationIngress ingress,
    TimeProvider time,
    IOptions<AsyncInvokeOptions> options,
    ILogger<FunctionRedriveGrain> logger) : Grain, IFunctionRedriveGrain, IRemindable
{
    /// <summary>Messages taken per receive.</summary>
    private const int BatchSize = 10;

    /// <summary>
    /// How long a received message stays hidden while its event is sent back. A redrive resumed after a lost silo
    /// waits this long before it calls the queue empty, so the messages the lost run held become visible again.
    /// </summary>
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(30);

    private const string ResumeReminder = "redrive";
    private IGrainTimer? _timer;

    /// <summary>Receipts of messages left in the queue this run: made visible again when it ends.</summary>
    private readonly List<string> _held = [];

    /// <summary>Until when an empty receive does not end the redrive (messages held by a lost run are hidden until then).</summary>
    private DateTimeOffset _notBefore;

    /// <summary>While waiting for held messages: when to look at the queue again.</summary>
    private DateTimeOffset _nextLook;

    private string FunctionName => this.GetPrimaryKeyString();

    private RedriveProgress? Progress => state.State.Progress;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Progress?.State == RedriveProgress.Running)
        {
            _notBefore = time.GetUtcNow() + Hold;
            LogResumed(logger, FunctionName, Progress.Queue, Progress.Moved);
            StartTimer();
        }

        return Task.CompletedTask;
    }

    public async Task<RedriveProgress> StartAsync(string source)
    {
        if (Progress is { State: RedriveProgress.Running } running)
        {
            throw ErrorCodes.WrongState($"A redrive of {FunctionName} from {running.Queue} is running ({running.Moved} moved of {running.Total}): follow it with GET /functions/{FunctionName}/redrive.");
        }

        var queue = await ResolveQueueAsync(source);
        var depth = await GrainFactory.GetGrain<IQueueGrain>(queue).DepthAsync();
        state.State.Progress = new RedriveProgress
        {
            FunctionName = FunctionName,
            Source = source,
            Queue = queue,
            State = RedriveProgress.Running,
            Total = depth,
            StartedAt = time.GetUtcNow(),
        };
        await this.RegisterOrUpdateReminder(ResumeReminder, options.Value.ReminderPeriod, options.Value.ReminderPeriod);
        await state.WriteStateAsync();
        LogStarted(logger, FunctionName, queue, depth);
        StartTimer();
        return state.State.Progress;
    }

    public Task<RedriveProgress?> GetAsync() => Task.FromResult(Progress);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Progress?.State != RedriveProgress.Running)
        {
            await UnregisterAsync();
        }

        // A running redrive restarted its timer when this activation began.
    }

    private void StartTimer()
    {
        _timer?.Dispose();
        _timer = this.RegisterGrainTimer(static (grain, ct) => grain.RunAsync(ct), this,
            new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = TimeSpan.FromMilliseconds(50), KeepAlive = true, Interleave = false });
    }

    /// <summary>Moves batches for about a second, then lets the progress be read before the next tick goes on.</summary>
    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        if (time.GetUtcNow() < _nextLook)
        {
            return;
        }

        while (Progress is { State: RedriveProgress.Running } && time.GetElapsedTime(started) < TimeSpan.FromSeconds(1))
        {
            try
            {
                if (!await MoveBatchAsync())
                {
                    if (time.GetUtcNow() < _notBefore)
                    {
                        // Resumed: what the lost run held is still hidden. Look again in a second.
                        _nextLook = time.GetUtcNow() + TimeSpan.FromSeconds(1);
                        return;
                    }

                    await EndAsync(RedriveProgress.Completed, null);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The store or the queue failing: stop, keeping what was moved; starting again goes on.
                await EndAsync(RedriveProgress.Stopped, ex is AsyncInvokeException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    /// <summary>One batch; <c>false</c> when the queue had nothing visible left.</summary>
    private async Task<bool> MoveBatchAsync()
    {
        var progress = Progress!;
        var queue = GrainFactory.GetGrain<IQueueGrain>(progress.Queue);
        var messages = await queue.ReceiveMessagesAsync(BatchSize, Hold);
        if (messages.Count == 0)
        {
            return false;
        }

        int moved = 0, skipped = 0, failed = 0;
        var ids = new List<string>(progress.MovedRequestIds);
        string? error = progress.Error;
        foreach (var message in messages)
        {
            var (outcome, requestId, problem) = await MoveAsync(message);
            switch (outcome)
            {
                case Outcome.Moved:
                    moved++;
                    if (ids.Count < 100)
                    {
                        ids.Add(requestId!);
                    }

                    await queue.DeleteAsync(message.ReceiptHandle);
                    break;
                case Outcome.Repeat:
                    skipped++;
                    await queue.DeleteAsync(message.ReceiptHandle);
                    break;
                default:
                    failed++;
                    error = problem;
                    _held.Add(message.ReceiptHandle);
                    break;
            }
        }

        state.State.Progress = progress with
        {
            Moved = progress.Moved + moved,
            Skipped = progress.Skipped + skipped,
            Failed = progress.Failed + failed,
            Error = error,
            MovedRequestIds = ids,
        };
        await state.WriteStateAsync();
        return true;
    }

    private async Task<(Outcome Outcome, string? RequestId, string? Problem)> MoveAsync(QueueMessage message)
    {
        if (!TryRead(message, out var requestId, out var payload, out var functionArn))
        {
            return (Outcome.Left, null, $"Message {message.MessageId} is neither an invocation record nor a dead-lettered event.");
        }

        if (functionArn is not null && !SameFunction(functionArn))
        {
            return (Outcome.Left, null, $"Message {message.MessageId} is a record of another function ({functionArn}); it was left in the queue.");
        }

        if (requestId is not null)
        {
            var invocation = GrainFactory.GetGrain<IInvocationGrain>(requestId);
            if (await invocation.GetStatusAsync() is { } status)
            {
                if (status.FunctionName != FunctionName)
                {
                    return (Outcome.Left, null, $"Message {message.MessageId} is an event of another function ({status.FunctionName}); it was left in the queue.");
                }

                if (status.Phase is not (InvocationPhase.Failed or InvocationPhase.Cancelled))
                {
                    return (Outcome.Repeat, requestId, null);
                }

                try
                {
                    await invocation.RetryAsync();
                    return (Outcome.Moved, requestId, null);
                }
                catch (AsyncInvokeException ex) when (ex.ErrorCode == ErrorCodes.InvalidState)
                {
                    // Its record is still on the way to its destinations: the message comes round again later.
                    return (Outcome.Left, null, ex.Message);
                }
            }
        }

        // The invocation has left the store (its retention ended): the event is accepted afresh, under its old id
        // when it had one, so the record that comes of it can be matched with the one in the queue.
        var id = requestId ?? RequestIds.New();
        try
        {
            await ingress.AcceptAsync(id, new InvocationRequest { FunctionName = FunctionName, Payload = payload });
            return (Outcome.Moved, id, null);
        }
        catch (AsyncInvokeException ex) when (ex.ErrorCode != ErrorCodes.Service)
        {
            return (Outcome.Left, null, $"{ex.ErrorCode}: {ex.Message}");
        }
    }

    /// <summary>
    /// Reads a message as an invocation record (<c>requestContext.requestId</c>, <c>requestPayload</c>) or as a
    /// dead-lettered event (the body is the payload, the <c>RequestID</c> attribute its id).
    /// </summary>
    internal static bool TryRead(QueueMessage message, out string? requestId, out byte[] payload, out string? functionArn)
    {
        requestId = null;
        functionArn = null;
        payload = Encoding.UTF8.GetBytes(message.Body);
        if (message.Attributes.TryGetValue("RequestID", out var attribute))
        {
            requestId = RequestIds.IsValid(attribute) ? attribute : null;
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(message.Body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("requestContext", out var context) && context.ValueKind == JsonValueKind.Object
                && context.TryGetProperty("requestId", out var id) && id.ValueKind == JsonValueKind.String
                && root.TryGetProperty("requestPayload", out var requestPayload))
            {
                requestId = RequestIds.IsValid(id.GetString()) ? id.GetString() : null;
                functionArn = context.TryGetProperty("functionArn", out var arn) && arn.ValueKind == JsonValueKind.String ? arn.GetString() : null;
                payload = requestPayload.ValueKind switch
                {
                    JsonValueKind.Null => [],
                    JsonValueKind.String => Encoding.UTF8.GetBytes(requestPayload.GetString()!),
                    _ => Encoding.UTF8.GetBytes(requestPayload.GetRawText()),
                };
                return true;
            }
        }
        catch (JsonException)
        {
        }

        // A message sent to the queue by hand: its body is the event.
        return true;
    }

    private bool SameFunction(string functionArn)
    {
        // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
        var parts = functionArn.Split(':');
        return parts.Length >= 7 && parts[5] == "function" && parts[6] == FunctionName;
    }

    private async Task<string> ResolveQueueAsync(string source)
    {
        var function = GrainFactory.GetGrain<IFunctionGrain>(FunctionName);
        var definition = await function.GetAsync() ?? throw ErrorCodes.NotFound($"Function not found: {FunctionName}");
        string? target;
        string what;
        switch (source)
        {
            case "dlq":
                target = definition.DeadLetterTarget;
                what = "dead-letter queue (DeadLetterConfig)";
                break;
            case "failure":
                target = await OnFailureAsync(function);
                what = "OnFailure destination";
                break;
            default:
                target = source;
                what = "queue";
                break;
        }

        if (string.IsNullOrEmpty(target))
        {
            throw ErrorCodes.InvalidParameter($"Function {FunctionName} has no {what} to redrive from.");
        }

        var address = DestinationAddress.TryParse(target)
            ?? (QueueName().IsMatch(target) ? new DestinationAddress(DestinationKind.Queue, target, null, target) : null);
        return address is { Kind: DestinationKind.Queue }
            ? address.Name
            : throw ErrorCodes.InvalidParameter($"The {what} of {FunctionName} is {DestinationAddress.Redact(target)}, not a queue: only a queue's messages can be redriven.");
    }

    private static async Task<string?> OnFailureAsync(IFunctionGrain function)
    {
        try
        {
            return (await function.GetEventInvokeConfigAsync(null)).OnFailure;
        }
        catch (AsyncInvokeException ex) when (ex.ErrorCode == ErrorCodes.ResourceNotFound)
        {
            return null;
        }
    }

    private async Task EndAsync(string outcome, string? error)
    {
        var queue = GrainFactory.GetGrain<IQueueGrain>(Progress!.Queue);
        foreach (var receipt in _held)
        {
            try
            {
                await queue.ChangeVisibilityAsync(receipt, TimeSpan.Zero);
            }
            catch (AsyncInvokeException)
            {
                // Visible again when its hold ends anyway.
            }
        }

        _held.Clear();
        var progress = state.State.Progress = Progress with { State = outcome, CompletedAt = time.GetUtcNow(), Error = error ?? Progress.Error };
        await state.WriteStateAsync();
        _timer?.Dispose();
        _timer = null;
        await UnregisterAsync();
        LogEnded(logger, FunctionName, progress.Queue, outcome, progress.Moved, progress.Skipped, progress.Failed);
    }

    private async Task UnregisterAsync()
    {
        if (await this.GetReminder(ResumeReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[a-zA-Z0-9_.-]{1,256}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex QueueName();

    private enum Outcome
    {
        Moved,
        Repeat,
        Left,
    }

    [LoggerMessage(EventId = LogEvents.RedriveStarted, Level = LogLevel.Information, Message = "Redrive of {FunctionName} from queue {Queue} started ({Total} messages)")]
    private static partial void LogStarted(ILogger logger, string functionName, string queue, int total);

    [LoggerMessage(EventId = LogEvents.RedriveResumed, Level = LogLevel.Information, Message = "Redrive of {FunctionName} from queue {Queue} resumed after {Moved} moved")]
    private static partial void LogResumed(ILogger logger, string functionName, string queue, int moved);

    [LoggerMessage(EventId = LogEvents.RedriveEnded, Level = LogLevel.Information, Message = "Redrive of {FunctionName} from queue {Queue} {Outcome}: {Moved} moved, {Skipped} repeats dropped, {Failed} left")]
    private static partial void LogEnded(ILogger logger, string functionName, string queue, string outcome, int moved, int skipped, int failed);
}

/// <summary>The stored progress of a function's latest redrive.</summary>
[GenerateSerializer]
[Alias("AsyncInvoke.RedriveState")]
public sealed class RedriveState
{
    [Id(0)] public RedriveProgress? Progress { get; set; }
}
