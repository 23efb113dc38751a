using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Scheduling;
using Orleans.Runtime;

namespace Orleans.AsyncInvoke.Destinations.Callback;

/// <summary>POSTs one result to a callback URL, with durable retries (reminder backstop, timer clock).</summary>
[GrainType("asyncinvoke-callback")]
public sealed partial class CallbackGrain(
    [PersistentState("callback", StorageNames.Invocations)] IPersistentState<CallbackState> state,
    IHttpClientFactory http,
    RetryPolicy retries,
    PlatformClock clock,
    IOptions<AsyncInvokeOptions> options,
    ILogger<CallbackGrain> logger) : Grain, ICallbackGrain, IRemindable
{
    public const string HttpClientName = "asyncinvoke-callbacks";
    private const string WakeUpReminder = "callback";
    private readonly WakeUpTimer _timer = new();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State is { Request: not null, State: "Pending" })
        {
            Schedule(state.State.NextAttemptAt);
        }

        return Task.CompletedTask;
    }

    public async Task ScheduleAsync(CallbackRequest request)
    {
        if (state.State.Request is not null)
        {
            return;
        }

        await this.RegisterOrUpdateReminder(WakeUpReminder, options.Value.ReminderPeriod, options.Value.ReminderPeriod);
        var now = clock.UtcNow;
        state.State = new CallbackState { Request = request, ScheduledAt = now, NextAttemptAt = now };
        await state.WriteStateAsync();
        Schedule(now);
    }

    public Task<CallbackStatus?> GetStatusAsync() => Task.FromResult(state.State.Request is null
        ? null
        : new CallbackStatus
        {
            State = state.State.State,
            Attempts = state.State.Attempts,
            LastError = state.State.LastError,
            NextAttemptAt = state.State.State == "Pending" ? state.State.NextAttemptAt : null,
        });

    public Task ReceiveReminder(string reminderName, TickStatus status) => DeliverIfDueAsync();

    private async Task DeliverIfDueAsync()
    {
        var s = state.State;
        if (s.Request is null || s.State != "Pending")
        {
            if (await this.GetReminder(WakeUpReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            return;
        }

        if (s.NextAttemptAt > clock.UtcNow)
        {
            Schedule(s.NextAttemptAt);
            return;
        }

        s.Attempts++;
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, s.Request.Url) { Content = new ByteArrayContent(s.Request.Body) };
            message.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            foreach (var (name, value) in s.Request.Headers)
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }

            using var timeout = new CancellationTokenSource(options.Value.DeliveryTimeout, clock.Time);
            using var response = await http.CreateClient(HttpClientName).SendAsync(message, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                s.State = "Delivered";
                s.LastError = null;
                await state.WriteStateAsync();
                LogDelivered(logger, this.GetPrimaryKeyString(), s.Attempts);
                await DeliverIfDueAsync();
                return;
            }

            s.LastError = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            s.LastError = ex.Message;
        }

        var verdict = retries.AfterThrottle(s.Attempts, null, s.ScheduledAt, options.Value.DeliveryRetryWindow);
        if (verdict.DueAt is { } due)
        {
            // Armed before the status shows the new due time, so whoever reads that time finds the timer set.
            Schedule(due);
            s.NextAttemptAt = due;
            await state.WriteStateAsync();
            LogRetrying(logger, this.GetPrimaryKeyString(), s.Attempts, s.LastError, due);
        }
        else
        {
            s.State = "Parked";
            await state.WriteStateAsync();
            LogParked(logger, this.GetPrimaryKeyString(), s.Attempts, s.LastError);
        }
    }

    private void Schedule(DateTimeOffset due) => _timer.Schedule(this, DeliverIfDueAsync, due - clock.UtcNow);

    [LoggerMessage(EventId = LogEvents.CallbackDelivered, Level = LogLevel.Information, Message = "Callback of {RequestId} delivered after {Attempts} attempt(s)")]
    private static partial void LogDelivered(ILogger logger, string requestId, int attempts);

    [LoggerMessage(EventId = LogEvents.CallbackRetrying, Level = LogLevel.Warning, Message = "Callback of {RequestId} failed (attempt {Attempts}: {Error}); retry due at {DueAt:O}")]
    private static partial void LogRetrying(ILogger logger, string requestId, int attempts, string? error, DateTimeOffset dueAt);

    [LoggerMessage(EventId = LogEvents.CallbackParked, Level = LogLevel.Error, Message = "Callback of {RequestId} parked after {Attempts} attempts; last error: {Error}")]
    private static partial void LogParked(ILogger logger, string requestId, int attempts, string? error);
}
