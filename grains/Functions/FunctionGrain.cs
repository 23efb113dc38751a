using System.Globalization;
using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Execution;
using Orleans.AsyncInvoke.Hosting;

namespace Orleans.AsyncInvoke.Functions;

/// <summary>
/// One function, validated on every change: its definition (here), its versions, aliases and recursion setting
/// (<c>FunctionGrain.Versions.cs</c>) and its event-invoke-configs (<c>FunctionGrain.EventInvokeConfig.cs</c>).
/// </summary>
[GrainType("asyncinvoke-function")]
public sealed partial class FunctionGrain(
    [PersistentState("function", StorageNames.Functions)] IPersistentState<FunctionState> state,
    FunctionRunner runner,
    FunctionArns arns,
    Security.OutboundAddressGuard guard,
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

        var definition = Apply(null, input);
        if (input.Tags is { } tags)
        {
            FunctionValidation.ValidateTags(state.State.Tags, tags, requireAny: false);
            state.State.Tags = new Dictionary<string, string>(tags, StringComparer.Ordinal);
        }

        return await SaveAsync(definition);
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
            AdditionalVersion = AdditionalVersionOf(q),
            AsyncPaused = state.State.AsyncPaused,
        });
    }

    public Task<FunctionDefinition> GetQualifiedAsync(string? qualifier) =>
        Task.FromResult(Qualified(FunctionNames.Qualifier(qualifier)));

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

        if (!string.IsNullOrEmpty(input.DeadLetterTarget) && arns.ForeignArnProblem(input.DeadLetterTarget) is { } foreign)
        {
            throw ErrorCodes.InvalidParameter(foreign);
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
            Role = input.Role ?? current?.Role,
            Runtime = input.Runtime ?? current?.Runtime,
            Handler = input.Handler ?? current?.Handler,
            CodeSha256 = input.CodeSha256 ?? current?.CodeSha256,
            CodeSize = input.CodeSize ?? current?.CodeSize ?? 0,
            MemorySize = input.MemorySize ?? current?.MemorySize ?? 128,
            Architecture = input.Architecture ?? current?.Architecture ?? "x86_64",
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

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
