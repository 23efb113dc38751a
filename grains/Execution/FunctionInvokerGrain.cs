using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Invocations;
using Orleans.Concurrency;

namespace Orleans.AsyncInvoke.Execution;

/// <summary>Runs synchronous invocations where the call lands; nothing is stored, nothing is retried.</summary>
[StatelessWorker]
[GrainType("asyncinvoke-invoker")]
public sealed class FunctionInvokerGrain(FunctionRunner runner, VersionRouter router, TimeProvider time, IOptions<AsyncInvokeOptions> options)
    : Grain, IFunctionInvokerGrain
{
    public Task<SyncInvocationResult> InvokeAsync(string functionName, string? qualifier, byte[] payload, string? requestId) =>
        InvokeAsync(functionName, qualifier, payload, new SyncInvocationOptions { RequestId = requestId });

    public async Task<SyncInvocationResult> InvokeAsync(string functionName, string? qualifier, byte[] payload, SyncInvocationOptions invocation)
    {
        var requestId = invocation.RequestId;
        var log = invocation.TailLog ? new FunctionLog() : null;
        if (payload.Length > options.Value.MaxSyncPayloadBytes)
        {
            throw ErrorCodes.TooLarge($"Request must be smaller than {options.Value.MaxSyncPayloadBytes} bytes for the Invoke operation.");
        }

        var function = router.Route(await GrainFactory.GetGrain<IFunctionGrain>(functionName).ResolveAsync(qualifier));
        var id = requestId ?? RequestIds.New();
        var limit = function.Definition.ReservedConcurrency;
        if (limit == 0)
        {
            throw ErrorCodes.Throttled("Rate Exceeded.");
        }

        var limiter = limit is null ? null : GrainFactory.GetGrain<IConcurrencyLimiterGrain>(functionName);
        if (limiter is not null && !await limiter.TryAcquireAsync(id, limit!.Value, function.Definition.Timeout + TimeSpan.FromSeconds(30)))
        {
            throw ErrorCodes.Throttled("Rate Exceeded.");
        }

        try
        {
            var result = await runner.RunAsync(function.Definition, new FunctionContext
            {
                RequestId = id,
                FunctionName = functionName,
                ExecutedVersion = function.ExecutedVersion,
                Attempt = 1,
                Payload = payload,
                Deadline = time.GetUtcNow() + function.Definition.Timeout,
                Environment = function.Definition.Environment,
                Time = time,
                ClientContext = invocation.ClientContext,
                Log = log,
            });

            return result.Outcome switch
            {
                AttemptOutcome.Success => new SyncInvocationResult
                {
                    RequestId = id, Payload = result.Payload, ExecutedVersion = function.ExecutedVersion, LogResult = log?.Tail(),
                },
                AttemptOutcome.FunctionError => new SyncInvocationResult
                {
                    RequestId = id, Payload = result.Payload, FunctionError = "Unhandled", ExecutedVersion = function.ExecutedVersion, LogResult = log?.Tail(),
                },
                _ => throw ErrorCodes.Throttled(result.Error?.ErrorMessage ?? "Rate Exceeded."),
            };
        }
        finally
        {
            if (limiter is not null)
            {
                await limiter.ReleaseAsync(id);
            }
        }
    }
}
