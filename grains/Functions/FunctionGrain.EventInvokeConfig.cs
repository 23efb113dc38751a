using Orleans.AsyncInvoke.Destinations;

namespace Orleans.AsyncInvoke.Functions;

/// <summary>A function's event-invoke-configs (retries, event age, destinations), one per qualifier.</summary>
public sealed partial class FunctionGrain
{
    public async Task<EventInvokeConfig> PutEventInvokeConfigAsync(string? qualifier, EventInvokeConfigInput input)
    {
        var q = await ValidateConfigAsync(qualifier, input);
        return await SaveConfigAsync(q, new EventInvokeConfig
        {
            FunctionArn = arns.Qualified(Name, q),
            Qualifier = q,
            MaximumRetryAttempts = input.MaximumRetryAttempts,
            MaximumEventAgeInSeconds = input.MaximumEventAgeInSeconds,
            OnSuccess = NullIfEmpty(input.OnSuccess),
            OnFailure = NullIfEmpty(input.OnFailure),
            LastModified = time.GetUtcNow(),
        });
    }

    public async Task<EventInvokeConfig> UpdateEventInvokeConfigAsync(string? qualifier, EventInvokeConfigInput input)
    {
        var q = await ValidateConfigAsync(qualifier, input);
        state.State.EventInvokeConfigs.TryGetValue(q, out var current);
        return await SaveConfigAsync(q, new EventInvokeConfig
        {
            FunctionArn = arns.Qualified(Name, q),
            Qualifier = q,
            MaximumRetryAttempts = input.MaximumRetryAttempts ?? current?.MaximumRetryAttempts,
            MaximumEventAgeInSeconds = input.MaximumEventAgeInSeconds ?? current?.MaximumEventAgeInSeconds,
            OnSuccess = input.OnSuccess is null ? current?.OnSuccess : NullIfEmpty(input.OnSuccess),
            OnFailure = input.OnFailure is null ? current?.OnFailure : NullIfEmpty(input.OnFailure),
            LastModified = time.GetUtcNow(),
        });
    }

    public Task<EventInvokeConfig> GetEventInvokeConfigAsync(string? qualifier) =>
        Task.FromResult(FindConfig(qualifier));

    public Task<EventInvokeConfigPage> ListEventInvokeConfigsAsync(string? marker, int? maxItems)
    {
        _ = Existing;
        var max = maxItems ?? FunctionLimits.MaxListItems;
        if (max is < 1 or > FunctionLimits.MaxListItems)
        {
            throw ErrorCodes.ValidationFailed([
                $"Value '{max}' at 'maxItems' failed to satisfy constraint: Member must have value {(max < 1 ? "greater than or equal to 1" : "less than or equal to 50")}",
            ]);
        }

        var ordered = state.State.EventInvokeConfigs.Values
            .OrderBy(c => c.Qualifier, StringComparer.Ordinal)
            .SkipWhile(c => marker is not null && string.CompareOrdinal(c.Qualifier, marker) <= 0)
            .Take(max + 1)
            .ToList();
        var page = ordered.Take(max).ToList();
        return Task.FromResult(new EventInvokeConfigPage
        {
            Items = page,
            NextMarker = ordered.Count > max ? page[^1].Qualifier : null,
        });
    }

    public async Task DeleteEventInvokeConfigAsync(string? qualifier)
    {
        var config = FindConfig(qualifier);
        state.State.EventInvokeConfigs.Remove(config.Qualifier);
        await state.WriteStateAsync();
    }

    private EventInvokeConfig FindConfig(string? qualifier)
    {
        _ = Existing;
        var q = FunctionNames.Qualifier(qualifier);
        EnsureQualifier(q);
        return state.State.EventInvokeConfigs.TryGetValue(q, out var config)
            ? config
            : throw ErrorCodes.NotFound($"The function {arns.Qualified(Name, q)} doesn't have an EventInvokeConfig");
    }

    private async Task<string> ValidateConfigAsync(string? qualifier, EventInvokeConfigInput input)
    {
        _ = Existing;
        var q = FunctionNames.Qualifier(qualifier);
        EnsureQualifier(q);
        if (input.IsEmpty)
        {
            throw ErrorCodes.InvalidParameter(FunctionValidation.NoSettingMessage);
        }

        FunctionValidation.ValidateRanges(input);
        await ValidateDestinationAsync(input.OnSuccess, onFailure: false);
        await ValidateDestinationAsync(input.OnFailure, onFailure: true);
        return q;
    }

    private async Task ValidateDestinationAsync(string? destination, bool onFailure)
    {
        if (await DestinationValidation.ValidateAsync(destination, onFailure, Name, arns, guard, GrainFactory) is not { Kind: DestinationKind.Function } address)
        {
            return;
        }

        var target = GrainFactory.GetGrain<IFunctionGrain>(address.Name);
        // A direct cycle (A -> B -> A) is allowed, and stopped at run time by the recursive-loop guard; say so.
        var back = (await target.ListEventInvokeConfigsAsync(null, FunctionLimits.MaxListItems)).Items
            .SelectMany(c => new[] { c.OnSuccess, c.OnFailure })
            .Any(d => DestinationAddress.TryParse(d) is { Kind: DestinationKind.Function } a && a.Name == Name);
        if (back)
        {
            LogCycle(logger, Name, address.Name);
        }
    }

    [Microsoft.Extensions.Logging.LoggerMessage(EventId = LogEvents.DestinationCycle, Level = Microsoft.Extensions.Logging.LogLevel.Warning,
        Message = "Function {FunctionName} and its destination {Destination} send records to each other: events will loop until the recursive-loop guard stops them after 16 invocations")]
    private static partial void LogCycle(Microsoft.Extensions.Logging.ILogger logger, string functionName, string destination);


    private async Task<EventInvokeConfig> SaveConfigAsync(string qualifier, EventInvokeConfig config)
    {
        state.State.EventInvokeConfigs[qualifier] = config;
        await state.WriteStateAsync();
        return config;
    }

}
