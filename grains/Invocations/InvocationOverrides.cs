using Orleans.AsyncInvoke.Functions;

namespace Orleans.AsyncInvoke.Invocations;

/// <summary>
/// An event's own retry, age and destination settings, sent with it and stored with it, so every attempt (after a
/// restart too) applies them over the event-invoke-config of its function. Ids are part of the storage format.
/// </summary>
[GenerateSerializer]
[Alias("AsyncInvoke.InvocationOverrides")]
public sealed record InvocationOverrides
{
    [Id(0)] public int? MaximumRetryAttempts { get; init; }
    [Id(1)] public int? MaximumEventAgeInSeconds { get; init; }
    [Id(2)] public string? OnSuccess { get; init; }
    [Id(3)] public string? OnFailure { get; init; }

    /// <summary>The overrides of <paramref name="request"/>, or <c>null</c> when it sets none (nothing extra is stored).</summary>
    public static InvocationOverrides? Of(InvocationRequest request) =>
        request.MaximumRetryAttempts is null && request.MaximumEventAgeInSeconds is null && request.OnSuccess is null && request.OnFailure is null
            ? null
            : new()
            {
                MaximumRetryAttempts = request.MaximumRetryAttempts,
                MaximumEventAgeInSeconds = request.MaximumEventAgeInSeconds,
                OnSuccess = request.OnSuccess,
                OnFailure = request.OnFailure,
            };

    /// <summary><paramref name="function"/> with these settings over its event-invoke-config.</summary>
    public ResolvedFunction ApplyTo(ResolvedFunction function)
    {
        var config = function.Config ?? new EventInvokeConfig { FunctionArn = function.FunctionArn, Qualifier = function.Qualifier };
        return function with
        {
            Config = config with
            {
                MaximumRetryAttempts = MaximumRetryAttempts ?? config.MaximumRetryAttempts,
                MaximumEventAgeInSeconds = MaximumEventAgeInSeconds ?? config.MaximumEventAgeInSeconds,
                OnSuccess = OnSuccess ?? config.OnSuccess,
                OnFailure = OnFailure ?? config.OnFailure,
            },
        };
    }
}
