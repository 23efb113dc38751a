using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Queues;
using Orleans.AsyncInvoke.Topics;

namespace Orleans.AsyncInvoke.Client;

/// <summary>
/// The client SDK: invoke functions, follow invocations, manage functions and their asynchronous settings.
/// Failures surface as <see cref="AsyncInvokeException"/> carrying Lambda's error code.
/// </summary>
public interface IAsyncInvoker
{
    /// <summary>Invokes a function: <c>Event</c> answers 202 once the event is stored, <c>RequestResponse</c> with the response.</summary>
    Task<InvokeResponse> InvokeAsync(InvokeRequest request, CancellationToken cancellationToken = default);

    /// <summary>Invokes <paramref name="functionName"/> asynchronously and returns the request id.</summary>
    Task<string> InvokeEventAsync(string functionName, byte[] payload, CancellationToken cancellationToken = default);

    /// <summary>The status of an asynchronous invocation, or <c>null</c> when the id is unknown.</summary>
    Task<InvocationStatus?> GetInvocationAsync(string requestId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels an unfinished invocation: it ends with condition <c>Cancelled</c> (at once, or when its running attempt
    /// returns, whose result is then not acted on). <paramref name="notify"/> sends the failure record to
    /// <c>OnFailure</c> and the event to the dead-letter queue. <c>InvalidStateException</c> when it has ended,
    /// <c>ResourceNotFoundException</c> for an unknown id.
    /// </summary>
    Task<InvocationStatus> CancelInvocationAsync(string requestId, bool notify = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a failed or cancelled invocation round again under the same request id, with a fresh retry budget and
    /// event age. <c>InvalidStateException</c> unless it failed or was cancelled.
    /// </summary>
    Task<InvocationStatus> RetryInvocationAsync(string requestId, CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of a function's invocations, newest first, optionally of one phase and received since a moment; pass
    /// the page's <see cref="InvocationPage.Next"/> in the next query to go on. A filtered page may come back short
    /// with a token: each page examines a bounded part of the function's index.
    /// </summary>
    Task<InvocationPage> ListInvocationsAsync(InvocationQuery query, CancellationToken cancellationToken = default);

    /// <summary>Pauses (<c>true</c>) or resumes a function's asynchronous processing: while paused, events are accepted and kept, none runs.</summary>
    Task<bool> SetAsyncPausedAsync(string functionName, bool paused, CancellationToken cancellationToken = default);

    /// <summary>Whether a function's asynchronous processing is paused.</summary>
    Task<bool> GetAsyncPausedAsync(string functionName, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts moving a function's dead letters back into it: <paramref name="source"/> is <c>dlq</c> (its
    /// DeadLetterConfig queue), <c>failure</c> (its OnFailure queue) or a queue's name, URI or ARN. Follow it with
    /// <see cref="GetRedriveAsync"/>. <c>InvalidStateException</c> while one runs.
    /// </summary>
    Task<RedriveProgress> StartRedriveAsync(string functionName, string source = "dlq", CancellationToken cancellationToken = default);

    /// <summary>The progress of a function's latest redrive, or <c>null</c> when none was started.</summary>
    Task<RedriveProgress?> GetRedriveAsync(string functionName, CancellationToken cancellationToken = default);

    /// <summary>The cluster's last hour per function and the scheduler's gauges (what the console's overview shows).</summary>
    Task<Diagnostics.ActivitySnapshot> GetActivityAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates a function; fails with <c>ResourceConflictException</c> when it exists.</summary>
    Task<FunctionDefinition> CreateFunctionAsync(string functionName, FunctionDefinitionInput input, CancellationToken cancellationToken = default);

    /// <summary>Creates a function or changes the given settings of an existing one.</summary>
    Task<FunctionDefinition> PutFunctionAsync(string functionName, FunctionDefinitionInput input, CancellationToken cancellationToken = default);

    /// <summary>Changes the given settings of an existing function.</summary>
    Task<FunctionDefinition> UpdateFunctionAsync(string functionName, FunctionDefinitionInput input, CancellationToken cancellationToken = default);

    /// <summary>A function's definition, or <c>null</c> when it does not exist.</summary>
    Task<FunctionDefinition?> GetFunctionAsync(string functionName, CancellationToken cancellationToken = default);

    /// <summary>A page of functions in name order (1 to 50 a page).</summary>
    Task<FunctionPage> ListFunctionsAsync(string? marker = null, int maxItems = 50, CancellationToken cancellationToken = default);

    /// <summary>Deletes a function and its configurations.</summary>
    Task DeleteFunctionAsync(string functionName, CancellationToken cancellationToken = default);

    /// <summary>Replaces the event-invoke-config of a qualifier (omitted settings are dropped).</summary>
    Task<EventInvokeConfig> PutEventInvokeConfigAsync(string functionName, EventInvokeConfigInput input, string? qualifier = null, CancellationToken cancellationToken = default);

    /// <summary>Merges settings into the event-invoke-config of a qualifier.</summary>
    Task<EventInvokeConfig> UpdateEventInvokeConfigAsync(string functionName, EventInvokeConfigInput input, string? qualifier = null, CancellationToken cancellationToken = default);

    /// <summary>The event-invoke-config of a qualifier; <c>ResourceNotFoundException</c> when none is set.</summary>
    Task<EventInvokeConfig> GetEventInvokeConfigAsync(string functionName, string? qualifier = null, CancellationToken cancellationToken = default);

    /// <summary>A page of a function's event-invoke-configs.</summary>
    Task<EventInvokeConfigPage> ListEventInvokeConfigsAsync(string functionName, string? marker = null, int? maxItems = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes the event-invoke-config of a qualifier.</summary>
    Task DeleteEventInvokeConfigAsync(string functionName, string? qualifier = null, CancellationToken cancellationToken = default);

    /// <summary>Every queue with its approximate depth.</summary>
    Task<IReadOnlyList<QueueInfo>> ListQueuesAsync(CancellationToken cancellationToken = default);

    /// <summary>Sends a message to a built-in queue and returns its id.</summary>
    Task<string> SendMessageAsync(string queue, string body, CancellationToken cancellationToken = default);

    /// <summary>Receives up to <paramref name="max"/> messages, waiting up to <paramref name="wait"/> (at most 20 s) for the first.</summary>
    Task<IReadOnlyList<QueueMessage>> ReceiveMessagesAsync(string queue, int max = 1, TimeSpan? visibilityTimeout = null, TimeSpan? wait = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a received message; <c>false</c> when the receipt is stale.</summary>
    Task<bool> DeleteMessageAsync(string queue, string receiptHandle, CancellationToken cancellationToken = default);

    /// <summary>Deletes every message of a queue.</summary>
    Task PurgeQueueAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>Pending and parked counts of a destination (any spelling of it), its failures and its first 100 parked deliveries.</summary>
    Task<DestinationStatus> GetDestinationStatusAsync(string destination, CancellationToken cancellationToken = default);

    /// <summary>One page of a destination's parked deliveries, oldest first (<paramref name="limit"/> 1-1000).</summary>
    Task<IReadOnlyList<ParkedDelivery>> ListParkedDeliveriesAsync(string destination, int offset = 0, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>Moves a destination's parked deliveries back to pending; returns how many.</summary>
    Task<int> RedriveDestinationAsync(string destination, CancellationToken cancellationToken = default);

    /// <summary>Subscribes an endpoint (queue, function or webhook) to a topic.</summary>
    Task SubscribeAsync(string topic, string endpoint, CancellationToken cancellationToken = default);

    /// <summary>Removes a subscription; <c>false</c> when there was none.</summary>
    Task<bool> UnsubscribeAsync(string topic, string endpoint, CancellationToken cancellationToken = default);

    /// <summary>A topic's subscriptions.</summary>
    Task<IReadOnlyList<string>> ListSubscriptionsAsync(string topic, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a rule on an event bus.</summary>
    Task<EventRule> PutEventRuleAsync(string bus, EventRule rule, CancellationToken cancellationToken = default);

    /// <summary>Deletes a rule; <c>false</c> when there was none.</summary>
    Task<bool> DeleteEventRuleAsync(string bus, string rule, CancellationToken cancellationToken = default);

    /// <summary>An event bus's rules.</summary>
    Task<IReadOnlyList<EventRule>> ListEventRulesAsync(string bus, CancellationToken cancellationToken = default);
}
