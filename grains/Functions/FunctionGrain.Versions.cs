using System.Globalization;

namespace Orleans.AsyncInvoke.Functions;

/// <summary>A function's published versions, its aliases, and its recursive-loop setting.</summary>
public sealed partial class FunctionGrain
{
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

        var users = state.State.Aliases.Values
            .Where(a => a.FunctionVersion == version || (a.AdditionalVersionWeights?.ContainsKey(version) ?? false))
            .Select(a => a.Name).ToList();
        if (users.Count > 0)
        {
            throw ErrorCodes.Conflict($"Unable to delete version because the following aliases reference it: [{string.Join(", ", users)}]");
        }

        state.State.Versions.Remove(number);
        state.State.EventInvokeConfigs.Remove(version);
        state.State.Policies.Remove(version);
        await state.WriteStateAsync();
    }

    public async Task<AliasConfiguration> CreateAliasAsync(string name, string functionVersion, string? description, IReadOnlyDictionary<string, double>? additionalVersionWeights)
    {
        _ = Existing;
        FunctionValidation.ValidateAliasName(name);
        EnsureVersion(functionVersion);
        if (state.State.Aliases.ContainsKey(name))
        {
            throw ErrorCodes.Conflict($"Alias already exists: {arns.Qualified(Name, name)}");
        }

        var alias = new AliasConfiguration
        {
            Name = name,
            FunctionVersion = functionVersion,
            Description = description,
            RevisionId = Guid.NewGuid().ToString(),
            AdditionalVersionWeights = Routing(additionalVersionWeights, functionVersion),
        };
        state.State.Aliases[name] = alias;
        await state.WriteStateAsync();
        return alias;
    }

    public Task<AliasConfiguration> GetAliasAsync(string name) => Task.FromResult(FindAlias(name));

    public async Task<AliasConfiguration> UpdateAliasAsync(string name, string? functionVersion, string? description, IReadOnlyDictionary<string, double>? additionalVersionWeights)
    {
        var alias = FindAlias(name);
        if (functionVersion is not null)
        {
            EnsureVersion(functionVersion);
        }

        var version = functionVersion ?? alias.FunctionVersion;
        // Weights not sent are kept, and checked again against the version the alias now points at.
        var weights = Routing(additionalVersionWeights ?? alias.AdditionalVersionWeights, version);
        alias = alias with
        {
            FunctionVersion = version,
            Description = description ?? alias.Description,
            RevisionId = Guid.NewGuid().ToString(),
            AdditionalVersionWeights = weights,
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
        state.State.Policies.Remove(name);
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

    /// <summary>A validated routing configuration for an alias of <paramref name="functionVersion"/>; <c>null</c> for none.</summary>
    private Dictionary<string, double>? Routing(IReadOnlyDictionary<string, double>? weights, string functionVersion)
    {
        if (FunctionValidation.ValidateRouting(weights, functionVersion) is not { } routing)
        {
            return null;
        }

        EnsureVersion(routing.Version);
        return new Dictionary<string, double>(StringComparer.Ordinal) { [routing.Version] = routing.Weight };
    }

    /// <summary>The second version of a weighted alias, with its weight and both sides' ARNs; <c>null</c> otherwise.</summary>
    private WeightedVersion? AdditionalVersionOf(string qualifier) =>
        state.State.Aliases.TryGetValue(qualifier, out var alias) && alias.AdditionalVersionWeights is { Count: 1 } weights
            ? new WeightedVersion
            {
                Definition = Qualified(weights.Keys.Single()),
                Weight = weights.Values.Single(),
                FunctionArn = arns.Qualified(Name, weights.Keys.Single()),
                PrimaryFunctionArn = arns.Qualified(Name, alias.FunctionVersion),
            }
            : null;

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

}
