namespace Orleans.AsyncInvoke.Functions;

/// <summary>A function's tags and its resource-based policy, stored with the function as Lambda keeps them.</summary>
public sealed partial class FunctionGrain
{
    public Task<IReadOnlyDictionary<string, string>> GetTagsAsync()
    {
        _ = Existing;
        return Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>(state.State.Tags, StringComparer.Ordinal));
    }

    public async Task TagAsync(IReadOnlyDictionary<string, string> tags)
    {
        var latest = Existing;
        FunctionValidation.ValidateTags(state.State.Tags, tags);
        foreach (var (key, value) in tags)
        {
            state.State.Tags[key] = value;
        }

        // Lambda renews the function's revision id on a tag change.
        state.State.Definition = latest with { RevisionId = Guid.NewGuid().ToString() };
        await state.WriteStateAsync();
    }

    public async Task UntagAsync(IReadOnlyList<string> keys)
    {
        var latest = Existing;
        foreach (var key in keys)
        {
            state.State.Tags.Remove(key);
        }

        state.State.Definition = latest with { RevisionId = Guid.NewGuid().ToString() };
        await state.WriteStateAsync();
    }

    public async Task<PermissionStatement> AddPermissionAsync(string? qualifier, PermissionStatement statement, string? revisionId)
    {
        if (qualifier == FunctionNames.Latest)
        {
            throw ErrorCodes.InvalidParameter("We currently do not support adding policies for $LATEST.");
        }

        var q = FunctionNames.Qualifier(qualifier);
        var current = RevisionOf(q);
        if (!string.IsNullOrEmpty(revisionId) && revisionId != current)
        {
            throw ErrorCodes.StaleRevision("The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id");
        }

        FunctionValidation.ValidatePermission(statement);
        var statements = state.State.Policies.TryGetValue(q, out var existing) ? existing : [];
        if (statements.Any(s => s.Sid == statement.Sid))
        {
            throw ErrorCodes.Conflict($"The statement id ({statement.Sid}) provided already exists. Please provide a new statement id, or remove the existing statement.");
        }

        var added = statement with { Resource = qualifier is null ? arns.Unqualified(Name) : arns.Qualified(Name, q) };
        statements.Add(added);
        state.State.Policies[q] = statements;
        RenewRevision(q);
        await state.WriteStateAsync();
        return added;
    }

    public Task<FunctionPolicy> GetPolicyAsync(string? qualifier)
    {
        var q = FunctionNames.Qualifier(qualifier);
        var revision = RevisionOf(q);
        return state.State.Policies.TryGetValue(q, out var statements) && statements.Count > 0
            ? Task.FromResult(new FunctionPolicy { Statements = [.. statements], RevisionId = revision })
            : throw ErrorCodes.NotFound("The resource you requested does not exist.");
    }

    public async Task RemovePermissionAsync(string? qualifier, string statementId, string? revisionId)
    {
        var q = FunctionNames.Qualifier(qualifier);
        var current = RevisionOf(q);
        if (!state.State.Policies.TryGetValue(q, out var statements) || statements.Count == 0)
        {
            throw ErrorCodes.NotFound("No policy is associated with the given resource.");
        }

        var index = statements.FindIndex(s => s.Sid == statementId);
        if (index < 0)
        {
            throw ErrorCodes.NotFound($"Statement {statementId} is not found in resource policy.");
        }

        if (!string.IsNullOrEmpty(revisionId) && revisionId != current)
        {
            throw ErrorCodes.StaleRevision("The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id");
        }

        statements.RemoveAt(index);
        if (statements.Count == 0)
        {
            state.State.Policies.Remove(q);
        }

        RenewRevision(q);
        await state.WriteStateAsync();
    }

    /// <summary>The revision id of a qualifier: its alias's, or its version's; fails when it does not exist.</summary>
    private string RevisionOf(string qualifier)
    {
        _ = Existing;
        return state.State.Aliases.TryGetValue(qualifier, out var alias) ? alias.RevisionId : Qualified(qualifier).RevisionId;
    }

    /// <summary>Gives a qualifier (its alias or its version) a new revision id, as Lambda does on a policy change.</summary>
    private void RenewRevision(string qualifier)
    {
        var revision = Guid.NewGuid().ToString();
        if (state.State.Aliases.TryGetValue(qualifier, out var alias))
        {
            state.State.Aliases[qualifier] = alias with { RevisionId = revision };
        }
        else if (qualifier == FunctionNames.Latest)
        {
            state.State.Definition = Existing with { RevisionId = revision };
        }
        else
        {
            var version = Qualified(qualifier);
            state.State.Versions[int.Parse(version.Version, System.Globalization.CultureInfo.InvariantCulture)] = version with { RevisionId = revision };
        }
    }
}
