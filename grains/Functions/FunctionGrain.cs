using System.Globalization;
using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Execution;
using Orleans.AsyncInvoke.Hosting;

namespace Orleans.AsyncInvoke.Functions;

/// <summary>One function: its definition and its event-invoke-configs, validated on every change.</summary>
[GrainType("asyncinvoke-function")]
public sealed partial class FunctionGrain(
    [PersistentState("function", StorageNames.Functions)] IPersistentState<FunctionState> state,
    FunctionRunner runner,
    FunctionArns arns,
    TimeProvider time,
    Microsoft.Extensions.Logging.ILogger<FunctionGrain> logger) : Grain, IFunctionGrain
{
    private string Name => this.GetPrimaryKeyString();

    private FunctionDefinition Existing =>
        state.State.Definition ?? throw ErrorCodes.NotFound($"Function not found: {arns.Unqualified(Name)}");

    public async Task<FunctionDefinition> CreateAsync(FunctionDefinitionInput input)
    {
        FunctionValidation.ValidateName(Name);
        if (state.State.Definition is not null)
        {
            throw ErrorCodes.Conflict($"Function already exist: {Name}");
        }

        return await SaveAsync(Apply(null, input));
    }

    public async Task<FunctionDefinition> UpsertAsync(FunctionDefinitionInput input)
    {
        FunctionValidation.ValidateName(Name);
        return await SaveAsync(Apply(state.State.Definition, input));
    }

    public async Task<FunctionDefinition> UpdateAsync(FunctionDefinitionInput input) =>
        await SaveAsync(Apply(Existing, input));

    public Task<FunctionDefinition?> GetAsync() => Task.FromResult(state.State.Definition);

    public async Task DeleteAsync()
    {
        _ = Existing;
        await state.ClearStateAsync();
        state.State = new FunctionState();
        await GrainFactory.GetGrain<IFunctionRegistryGrain>(IFunctionRegistryGrain.Key).RemoveAsync(Name);
    }

    public Task<ResolvedFunction> ResolveAsync(string? qualifier)
    {
        var q = FunctionNames.Qualifier(qualifier);
        var definition = Qualified(q);
        state.State.EventInvokeConfigs.TryGetValue(q, out var config);
        return Task.FromResult(new ResolvedFunction
        {
            // Reserved concurrency belongs to the function, not to a version.
            Definition = definition with { ReservedConcurrency = Existing.ReservedConcurrency },
            Qualifier = q,
            ExecutedVersion = definition.Version,
            FunctionArn = arns.Qualified(Name, q),
            Config = config,
            RecursiveLoop = state.State.RecursiveLoop,
        });
    }

    public Task<FunctionDefinition> GetQualifiedAsync(string? qualifier) =>
        Task.FromResult(Qualified(FunctionNames.Qualifier(qualifier)));

    public async Task<FunctionDefinition> PublishVersionAsync(string? description)
    {
        var latest = Existing;
        if (state.State.Versions.Count > 0 && state.State.Versions.Values.Last() is { } last
            && last.SameBehaviourAs(latest with { Description = last.Description }))
        {
            return last;
        }

        var number = state.State.NextVersion++;
        var version = latest with
        {
            Version = number.ToString(CultureInfo.InvariantCulture),
            Description = description ?? latest.Description,
            LastModified = time.GetUtcNow(),
            RevisionId = Guid.NewGuid().ToString(),
        };
        state.State.Versions[number] = version;
        await state.WriteStateAsync();
        return version;
    }

    public Task<IReadOnlyList<FunctionDefinition>> ListVersionsAsync() =>
        Task.FromResult<IReadOnlyList<FunctionDefinition>>([Existing, .. state.State.Versions.Values]);

    public async Task DeleteVersionAsync(string version)
    {
        _ = Existing;
        if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || !state.State.Versions.ContainsKey(number))
        {
            throw ErrorCodes.NotFound($"Function not found: {arns.Qualified(Name, version)}");
        }

        var users = state.State.Aliases.Values.Where(a => a.FunctionVersion == version).Select(a => a.Name).ToList();
        if (users.Count > 0)
        {
            throw ErrorCodes.Conflict($"Unable to delete version because the following aliases reference it: [{string.Join(", ", users)}]");
        }

        state.State.Versions.Remove(number);
        state.State.EventInvokeConfigs.Remove(version);
        await state.WriteStateAsync();
    }

    public async Task<AliasConfiguration> CreateAliasAsync(string name, string functionVersion, string? description)
    {
        _ = Existing;
        FunctionValidation.ValidateAliasName(name);
        if (state.State.Aliases.ContainsKey(name))
        {
            throw ErrorCodes.Conflict($"Alias already exists: {arns.Qualified(Name, name)}");
        }

        EnsureVersion(functionVersion);
        var alias = new AliasConfiguration { Name = name, FunctionVersion = functionVersion, Description = description, RevisionId = Guid.NewGuid().ToString() };
        state.State.Aliases[name] = alias;
        await state.WriteStateAsync();
        return alias;
    }

    public Task<AliasConfiguration> GetAliasAsync(string name) => Task.FromResult(FindAlias(name));

    public async Task<AliasConfiguration> UpdateAliasAsync(string name, string? functionVersion, string? description)
    {
        var alias = FindAlias(name);
        if (functionVersion is not null)
        {
            EnsureVersion(functionVersion);
        }

        alias = alias with
        {
            FunctionVersion = functionVersion ?? alias.FunctionVersion,
            Description = description ?? alias.Description,
            RevisionId = Guid.NewGuid().ToString(),
        };
        state.State.Aliases[name] = alias;
        await state.WriteStateAsync();
        return alias;
    }

    public async Task DeleteAliasAsync(string name)
    {
        _ = FindAlias(name);
        state.State.Aliases.Remove(name);
        state.State.EventInvokeConfigs.Remove(name);
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<AliasConfiguration>> ListAliasesAsync()
    {
        _ = Existing;
        return Task.FromResult<IReadOnlyList<AliasConfiguration>>([.. state.State.Aliases.Values.OrderBy(a => a.Name, StringComparer.Ordinal)]);
    }

    public Task<string> GetRecursiveLoopAsync()
    {
        _ = Existing;
        return Task.FromResult(state.State.RecursiveLoop);
    }

    public async Task<string> PutRecursiveLoopAsync(string recursiveLoop)
    {
        _ = Existing;
        if (recursiveLoop is not ("Allow" or "Terminate"))
        {
            throw ErrorCodes.ValidationFailed([$"Value '{recursiveLoop}' at 'recursiveLoop' failed to satisfy constraint: Member must satisfy enum value set: [Terminate, Allow]"]);
        }

        state.State.RecursiveLoop = recursiveLoop;
        await state.WriteStateAsync();
        return recursiveLoop;
    }

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
        if (string.IsNullOrEmpty(destination))
        {
            return;
        }

        var address = FunctionValidation.ParseDestination(destination, onFailure, Name);
        if (address.Kind != DestinationKind.Function)
        {
            return;
        }

        var target = GrainFactory.GetGrain<IFunctionGrain>(address.Name);
        if (await target.GetAsync() is null)
        {
            throw ErrorCodes.InvalidParameter($"The destination ARN {destination} is invalid.");
        }

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

    private void EnsureQualifier(string qualifier) => _ = Qualified(qualifier);

    /// <summary>The definition a qualifier runs: <c>$LATEST</c>, a published version, or the version an alias points at.</summary>
    private FunctionDefinition Qualified(string qualifier)
    {
        var latest = Existing;
        var version = state.State.Aliases.TryGetValue(qualifier, out var alias) ? alias.FunctionVersion : qualifier;
        if (version == FunctionNames.Latest)
        {
            return latest;
        }

        return int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && state.State.Versions.TryGetValue(number, out var published)
            ? published
            : throw ErrorCodes.NotFound($"Function not found: {arns.Qualified(Name, qualifier)}");
    }

    private void EnsureVersion(string version)
    {
        if (version != FunctionNames.Latest
            && !(int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && state.State.Versions.ContainsKey(number)))
        {
            throw ErrorCodes.NotFound($"Function not found: {arns.Qualified(Name, version)}");
        }
    }

    private AliasConfiguration FindAlias(string name)
    {
        _ = Existing;
        return state.State.Aliases.TryGetValue(name, out var alias)
            ? alias
            : throw ErrorCodes.NotFound($"Alias not found: {arns.Qualified(Name, name)}");
    }

    private FunctionDefinition Apply(FunctionDefinition? current, FunctionDefinitionInput input)
    {
        FunctionValidation.ValidateDefinition(input);
        var target = input.Target ?? current?.Target;
        if (string.IsNullOrWhiteSpace(target))
        {
            throw ErrorCodes.InvalidParameter("A target is required to create a function (dotnet:<handler>, http(s)://<url> or exec:<command>).");
        }

        if (runner.Validate(target) is { } problem)
        {
            throw ErrorCodes.InvalidParameter(problem);
        }

        if (!string.IsNullOrEmpty(input.DeadLetterTarget)
            && DestinationAddress.TryParse(input.DeadLetterTarget) is not { Kind: DestinationKind.Queue or DestinationKind.Topic })
        {
            throw ErrorCodes.InvalidParameter($"The dead-letter target {input.DeadLetterTarget} is invalid: use a queue or topic.");
        }

        return new FunctionDefinition
        {
            Name = Name,
            Target = target,
            Timeout = input.Timeout ?? current?.Timeout ?? FunctionLimits.DefaultTimeout,
            ReservedConcurrency = input.ClearReservedConcurrency ? null : input.ReservedConcurrency ?? current?.ReservedConcurrency,
            Environment = input.Environment ?? current?.Environment ?? new Dictionary<string, string>(),
            Description = input.Description ?? current?.Description,
            DeadLetterTarget = input.DeadLetterTarget is null ? current?.DeadLetterTarget : NullIfEmpty(input.DeadLetterTarget),
            LastModified = time.GetUtcNow(),
            RevisionId = Guid.NewGuid().ToString(),
        };
    }

    private async Task<FunctionDefinition> SaveAsync(FunctionDefinition definition)
    {
        var created = state.State.Definition is null;
        state.State.Definition = definition;
        await state.WriteStateAsync();
        if (created)
        {
            await GrainFactory.GetGrain<IFunctionRegistryGrain>(IFunctionRegistryGrain.Key).AddAsync(Name);
        }

        return definition;
    }

    private async Task<EventInvokeConfig> SaveConfigAsync(string qualifier, EventInvokeConfig config)
    {
        state.State.EventInvokeConfigs[qualifier] = config;
        await state.WriteStateAsync();
        return config;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
