using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Execution;
using Orleans.AsyncInvoke.Queues;
using Orleans.AsyncInvoke.Topics;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Batching;

namespace Orleans.AsyncInvoke.Client;

/// <summary>The <see cref="IAsyncInvoker"/> over an Orleans cluster client.</summary>
public sealed class AsyncInvoker : IAsyncInvoker
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly IClusterClient _client;
    private readonly TimeProvider _time;

    // Concurrent Event invocations leave in batches: one grain call and one round of pipelined store writes carry
    // many events, instead of one call each.
    private readonly MicroBatcher<AcceptItem, AcceptOutcome> _accepts;

    /// <summary>Creates an invoker over <paramref name="client"/>.</summary>
    public AsyncInvoker(IClusterClient client)
        : this(client, TimeProvider.System)
    {
    }

    /// <summary>An SDK whose long polling waits on <paramref name="time"/>.</summary>
    public AsyncInvoker(IClusterClient client, TimeProvider time)
    {
        _client = client;
        _time = time;
        _accepts = new MicroBatcher<AcceptItem, AcceptOutcome>(
            items => client.GetGrain<IInvocationIngressGrain>(0).AcceptAsync(items), maxBatch: 256, maxInFlight: 8);
    }

    public async Task<InvokeResponse> InvokeAsync(InvokeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (name, qualifier) = SplitName(request.FunctionName, request.Qualifier);
        if (request.RequestId is not null && !RequestIds.IsValid(request.RequestId))
        {
            throw ErrorCodes.InvalidParameter("RequestId must be 1 to 128 printable ASCII characters without '/'.");
        }

        switch (request.InvocationType)
        {
            case InvocationType.Event:
                var requestId = request.RequestId ?? RequestIds.New();
                var outcome = await _accepts.SendAsync(new AcceptItem
                {
                    RequestId = requestId,
                    Request = new InvocationRequest
                    {
                        FunctionName = name,
                        Qualifier = qualifier,
                        Payload = request.Payload,
                        TraceParent = request.TraceParent,
                        CallbackUrl = request.CallbackUrl,
                        InvokeAfter = request.InvokeAfter,
                        InvokeAt = request.InvokeAt,
                        MaximumRetryAttempts = request.MaximumRetryAttempts,
                        MaximumEventAgeInSeconds = request.MaximumEventAgeInSeconds,
                        OnSuccess = request.OnSuccess,
                        OnFailure = request.OnFailure,
                    },
                }).WaitAsync(cancellationToken);
                return new InvokeResponse { RequestId = requestId, StatusCode = 202, ExecutedVersion = outcome.QualifierOrThrow() };
            case InvocationType.RequestResponse:
                var result = await _client.GetGrain<IFunctionInvokerGrain>(0)
                    .InvokeAsync(name, qualifier, request.Payload, request.RequestId).WaitAsync(cancellationToken);
                return new InvokeResponse
                {
                    RequestId = result.RequestId,
                    StatusCode = 200,
                    Payload = result.Payload,
                    FunctionError = result.FunctionError,
                    ExecutedVersion = result.ExecutedVersion,
                };
            case InvocationType.DryRun:
                var resolved = await Function(name).ResolveAsync(qualifier).WaitAsync(cancellationToken);
                return new InvokeResponse { RequestId = request.RequestId ?? RequestIds.New(), StatusCode = 204, ExecutedVersion = resolved.ExecutedVersion };
            default:
                throw ErrorCodes.InvalidParameter($"Unknown invocation type '{request.InvocationType}'.");
        }
    }

    public async Task<string> InvokeEventAsync(string functionName, byte[] payload, CancellationToken cancellationToken = default) =>
        (await InvokeAsync(new InvokeRequest { FunctionName = functionName, Payload = payload }, cancellationToken)).RequestId;

    public Task<InvocationStatus?> GetInvocationAsync(string requestId, CancellationToken cancellationToken = default) =>
        RequestIds.IsValid(requestId)
            ? _client.GetGrain<IInvocationGrain>(requestId).GetStatusAsync().WaitAsync(cancellationToken)
            : Task.FromResult<InvocationStatus?>(null);

    public Task<InvocationStatus> CancelInvocationAsync(string requestId, bool notify = false, CancellationToken cancellationToken = default) =>
        Invocation(requestId).CancelAsync(notify).WaitAsync(cancellationToken);

    public Task<InvocationStatus> RetryInvocationAsync(string requestId, CancellationToken cancellationToken = default) =>
        Invocation(requestId).RetryAsync().WaitAsync(cancellationToken);

    public Task<InvocationPage> ListInvocationsAsync(InvocationQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        _ = ValidName(query.FunctionName);
        return _client.GetGrain<IInvocationQueryGrain>(0).ListAsync(query).WaitAsync(cancellationToken);
    }

    public Task<bool> SetAsyncPausedAsync(string functionName, bool paused, CancellationToken cancellationToken = default) =>
        Function(ValidName(functionName)).SetAsyncPausedAsync(paused).WaitAsync(cancellationToken);

    public Task<bool> GetAsyncPausedAsync(string functionName, CancellationToken cancellationToken = default) =>
        Function(ValidName(functionName)).GetAsyncPausedAsync().WaitAsync(cancellationToken);

    public Task<RedriveProgress> StartRedriveAsync(string functionName, string source = "dlq", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        return _client.GetGrain<IFunctionRedriveGrain>(ValidName(functionName)).StartAsync(source).WaitAsync(cancellationToken);
    }

    public Task<RedriveProgress?> GetRedriveAsync(string functionName, CancellationToken cancellationToken = default) =>
        _client.GetGrain<IFunctionRedriveGrain>(ValidName(functionName)).GetAsync().WaitAsync(cancellationToken);

    public Task<Diagnostics.ActivitySnapshot> GetActivityAsync(CancellationToken cancellationToken = default) =>
        _client.GetGrain<Diagnostics.IActivityStatsGrain>(0).GetAsync().WaitAsync(cancellationToken);

    public Task<FunctionDefinition> CreateFunctionAsync(string functionName, FunctionDefinitionInput input, CancellationToken cancellationToken = default) =>
        Function(functionName).CreateAsync(input).WaitAsync(cancellationToken);

    public Task<FunctionDefinition> PutFunctionAsync(string functionName, FunctionDefinitionInput input, CancellationToken cancellationToken = default) =>
        Function(functionName).UpsertAsync(input).WaitAsync(cancellationToken);

    public Task<FunctionDefinition> UpdateFunctionAsync(string functionName, FunctionDefinitionInput input, CancellationToken cancellationToken = default) =>
        Function(functionName).UpdateAsync(input).WaitAsync(cancellationToken);

    public Task<FunctionDefinition?> GetFunctionAsync(string functionName, CancellationToken cancellationToken = default) =>
        FunctionNames.IsValid(functionName)
            ? Function(functionName).GetAsync().WaitAsync(cancellationToken)
            : Task.FromResult<FunctionDefinition?>(null);

    public async Task<FunctionPage> ListFunctionsAsync(string? marker = null, int maxItems = 50, CancellationToken cancellationToken = default)
    {
        if (maxItems is < 1 or > 50)
        {
            throw ErrorCodes.ValidationFailed([$"Value '{maxItems}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 50"]);
        }

        var names = await _client.GetGrain<IFunctionRegistryGrain>(IFunctionRegistryGrain.Key)
            .ListAsync(marker, maxItems + 1).WaitAsync(cancellationToken);
        var page = names.Take(maxItems).ToList();
        var definitions = await Task.WhenAll(page.Select(n => Function(n).GetAsync())).WaitAsync(cancellationToken);
        return new FunctionPage
        {
            Functions = [.. definitions.OfType<FunctionDefinition>()],
            NextMarker = names.Count > maxItems ? page[^1] : null,
        };
    }

    public Task DeleteFunctionAsync(string functionName, CancellationToken cancellationToken = default) =>
        Function(functionName).DeleteAsync().WaitAsync(cancellationToken);

    public Task<EventInvokeConfig> PutEventInvokeConfigAsync(string functionName, EventInvokeConfigInput input, string? qualifier = null, CancellationToken cancellationToken = default)
    {
        var (name, q) = SplitName(functionName, qualifier);
        return Function(name).PutEventInvokeConfigAsync(q, input).WaitAsync(cancellationToken);
    }

    public Task<EventInvokeConfig> UpdateEventInvokeConfigAsync(string functionName, EventInvokeConfigInput input, string? qualifier = null, CancellationToken cancellationToken = default)
    {
        var (name, q) = SplitName(functionName, qualifier);
        return Function(name).UpdateEventInvokeConfigAsync(q, input).WaitAsync(cancellationToken);
    }

    public Task<EventInvokeConfig> GetEventInvokeConfigAsync(string functionName, string? qualifier = null, CancellationToken cancellationToken = default)
    {
        var (name, q) = SplitName(functionName, qualifier);
        return Function(name).GetEventInvokeConfigAsync(q).WaitAsync(cancellationToken);
    }

    public Task<EventInvokeConfigPage> ListEventInvokeConfigsAsync(string functionName, string? marker = null, int? maxItems = null, CancellationToken cancellationToken = default) =>
        Function(functionName).ListEventInvokeConfigsAsync(marker, maxItems).WaitAsync(cancellationToken);

    public Task DeleteEventInvokeConfigAsync(string functionName, string? qualifier = null, CancellationToken cancellationToken = default)
    {
        var (name, q) = SplitName(functionName, qualifier);
        return Function(name).DeleteEventInvokeConfigAsync(q).WaitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<QueueInfo>> ListQueuesAsync(CancellationToken cancellationToken = default)
    {
        var names = await _client.GetGrain<IQueueDirectoryGrain>(IQueueDirectoryGrain.Key).ListAsync().WaitAsync(cancellationToken);
        var depths = await Task.WhenAll(names.Select(n => _client.GetGrain<IQueueGrain>(n).DepthAsync())).WaitAsync(cancellationToken);
        return [.. names.Select((n, i) => new QueueInfo(n, depths[i]))];
    }

    public Task<string> SendMessageAsync(string queue, string body, CancellationToken cancellationToken = default) =>
        _client.GetGrain<IQueueGrain>(queue).SendAsync(body, null, null).WaitAsync(cancellationToken);

    public async Task<IReadOnlyList<QueueMessage>> ReceiveMessagesAsync(string queue, int max = 1, TimeSpan? visibilityTimeout = null, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        if (max is < 1 or > 10)
        {
            throw ErrorCodes.InvalidParameter("max must be between 1 and 10.");
        }

        var patience = wait is null ? TimeSpan.Zero : wait.Value < TimeSpan.FromSeconds(20) ? wait.Value : TimeSpan.FromSeconds(20);
        var started = _time.GetTimestamp();
        while (true)
        {
            var messages = await _client.GetGrain<IQueueGrain>(queue).ReceiveAsync(max, visibilityTimeout ?? TimeSpan.FromSeconds(30)).WaitAsync(cancellationToken);
            if (messages.Count > 0 || _time.GetElapsedTime(started) >= patience)
            {
                return messages;
            }

            // Long polling from the client: the queue grain never blocks waiting for a sender.
            await Task.Delay(PollInterval, _time, cancellationToken);
        }
    }

    public Task<bool> DeleteMessageAsync(string queue, string receiptHandle, CancellationToken cancellationToken = default) =>
        _client.GetGrain<IQueueGrain>(queue).DeleteAsync(receiptHandle).WaitAsync(cancellationToken);

    public Task PurgeQueueAsync(string queue, CancellationToken cancellationToken = default) =>
        _client.GetGrain<IQueueGrain>(queue).PurgeAsync().WaitAsync(cancellationToken);

    public Task<DestinationStatus> GetDestinationStatusAsync(string destination, CancellationToken cancellationToken = default) =>
        _client.GetGrain<IDestinationGrain>(destination).GetStatusAsync().WaitAsync(cancellationToken);

    public Task<IReadOnlyList<ParkedDelivery>> ListParkedDeliveriesAsync(string destination, int offset = 0, int limit = 100, CancellationToken cancellationToken = default) =>
        _client.GetGrain<IDestinationGrain>(destination).ListParkedAsync(offset, limit).WaitAsync(cancellationToken);

    public Task<int> RedriveDestinationAsync(string destination, CancellationToken cancellationToken = default) =>
        _client.GetGrain<IDestinationGrain>(destination).RedriveAsync().WaitAsync(cancellationToken);

    public Task SubscribeAsync(string topic, string endpoint, CancellationToken cancellationToken = default) =>
        _client.GetGrain<ITopicGrain>(topic).SubscribeAsync(endpoint).WaitAsync(cancellationToken);

    public Task<bool> UnsubscribeAsync(string topic, string endpoint, CancellationToken cancellationToken = default) =>
        _client.GetGrain<ITopicGrain>(topic).UnsubscribeAsync(endpoint).WaitAsync(cancellationToken);

    public Task<IReadOnlyList<string>> ListSubscriptionsAsync(string topic, CancellationToken cancellationToken = default) =>
        _client.GetGrain<ITopicGrain>(topic).ListSubscriptionsAsync().WaitAsync(cancellationToken);

    public Task<EventRule> PutEventRuleAsync(string bus, EventRule rule, CancellationToken cancellationToken = default) =>
        _client.GetGrain<IEventBusGrain>(bus).PutRuleAsync(rule).WaitAsync(cancellationToken);

    public Task<bool> DeleteEventRuleAsync(string bus, string rule, CancellationToken cancellationToken = default) =>
        _client.GetGrain<IEventBusGrain>(bus).DeleteRuleAsync(rule).WaitAsync(cancellationToken);

    public Task<IReadOnlyList<EventRule>> ListEventRulesAsync(string bus, CancellationToken cancellationToken = default) =>
        _client.GetGrain<IEventBusGrain>(bus).ListRulesAsync().WaitAsync(cancellationToken);

    private IFunctionGrain Function(string name) => _client.GetGrain<IFunctionGrain>(name);

    private IInvocationGrain Invocation(string requestId) => RequestIds.IsValid(requestId)
        ? _client.GetGrain<IInvocationGrain>(requestId)
        : throw ErrorCodes.NotFound($"Invocation not found: {requestId}");

    private static string ValidName(string functionName) => SplitName(functionName, null) switch
    {
        (var name, null) => name,
        _ => throw ErrorCodes.InvalidParameter("Pausing applies to a function, not to one of its qualifiers."),
    };

    /// <summary>Accepts <c>name</c> or <c>name:qualifier</c>; a qualifier in both places must agree.</summary>
    private static (string Name, string? Qualifier) SplitName(string functionName, string? qualifier)
    {
        ArgumentException.ThrowIfNullOrEmpty(functionName);
        var colon = functionName.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? functionName : functionName[..colon];
        var embedded = colon < 0 ? null : functionName[(colon + 1)..];
        if (embedded is not null && qualifier is not null && embedded != qualifier)
        {
            throw ErrorCodes.InvalidParameter("The derived qualifier from the function name does not match the specified qualifier.");
        }

        if (!FunctionNames.IsValid(name))
        {
            throw ErrorCodes.ValidationFailed([
                $"Value '{functionName}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_-]{{1,64}}$",
            ]);
        }

        return (name, embedded ?? qualifier);
    }
}
