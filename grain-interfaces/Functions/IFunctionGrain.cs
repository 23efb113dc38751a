using Orleans.Concurrency;

namespace Orleans.AsyncInvoke.Functions;

/// <summary>
/// One function, keyed by its name: its definition and its event-invoke-configs per qualifier. Every change is
/// validated here and refused with a Lambda-shaped <see cref="AsyncInvokeException"/>.
/// </summary>
[Alias("AsyncInvoke.IFunctionGrain")]
public interface IFunctionGrain : IGrainWithStringKey
{
    /// <summary>Creates the function; fails with a conflict if it exists.</summary>
    [Alias("Create")]
    Task<FunctionDefinition> CreateAsync(FunctionDefinitionInput input);

    /// <summary>Creates the function or changes the given settings of an existing one.</summary>
    [Alias("Upsert")]
    Task<FunctionDefinition> UpsertAsync(FunctionDefinitionInput input);

    /// <summary>Changes the given settings; fails when the function does not exist.</summary>
    [Alias("Update")]
    Task<FunctionDefinition> UpdateAsync(FunctionDefinitionInput input);

    /// <summary>The definition, or <c>null</c> when the function does not exist.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<FunctionDefinition?> GetAsync();

    /// <summary>Deletes the function and its configurations; fails when it does not exist.</summary>
    [Alias("Delete")]
    Task DeleteAsync();

    /// <summary>The definition of a qualifier ($LATEST, a version or an alias); fails when either does not exist.</summary>
    [Alias("GetQualified"), AlwaysInterleave]
    Task<FunctionDefinition> GetQualifiedAsync(string? qualifier);

    /// <summary>Publishes the current <c>$LATEST</c> as a new numbered version (or returns the last one if nothing changed).</summary>
    [Alias("PublishVersion")]
    Task<FunctionDefinition> PublishVersionAsync(string? description);

    /// <summary><c>$LATEST</c> followed by every published version, oldest first.</summary>
    [Alias("ListVersions"), ReadOnly]
    Task<IReadOnlyList<FunctionDefinition>> ListVersionsAsync();

    /// <summary>Deletes one published version; fails when an alias points at it.</summary>
    [Alias("DeleteVersion")]
    Task DeleteVersionAsync(string version);

    /// <summary>Creates an alias for a version, optionally splitting its invocations with one more version by weight.</summary>
    [Alias("CreateAlias")]
    Task<AliasConfiguration> CreateAliasAsync(string name, string functionVersion, string? description, IReadOnlyDictionary<string, double>? additionalVersionWeights);

    /// <summary>An alias; fails with 404 when it does not exist.</summary>
    [Alias("GetAlias"), ReadOnly]
    Task<AliasConfiguration> GetAliasAsync(string name);

    /// <summary>
    /// Points an alias at another version and/or changes its description or weighted versions (<c>null</c> keeps
    /// them, an empty map removes the split).
    /// </summary>
    [Alias("UpdateAlias")]
    Task<AliasConfiguration> UpdateAliasAsync(string name, string? functionVersion, string? description, IReadOnlyDictionary<string, double>? additionalVersionWeights);

    /// <summary>Deletes an alias and its event-invoke-config.</summary>
    [Alias("DeleteAlias")]
    Task DeleteAliasAsync(string name);

    /// <summary>Every alias, by name.</summary>
    [Alias("ListAliases"), ReadOnly]
    Task<IReadOnlyList<AliasConfiguration>> ListAliasesAsync();

    /// <summary>The recursive-loop setting: <c>Terminate</c> (default) or <c>Allow</c>.</summary>
    [Alias("GetRecursiveLoop"), ReadOnly]
    Task<string> GetRecursiveLoopAsync();

    /// <summary>Sets the recursive-loop setting.</summary>
    [Alias("PutRecursiveLoop")]
    Task<string> PutRecursiveLoopAsync(string recursiveLoop);

    /// <summary>The function's tags.</summary>
    [Alias("GetTags"), ReadOnly]
    Task<IReadOnlyDictionary<string, string>> GetTagsAsync();

    /// <summary>Adds or overwrites tags (at most 50 in all).</summary>
    [Alias("Tag")]
    Task TagAsync(IReadOnlyDictionary<string, string> tags);

    /// <summary>Removes the tags with these keys; keys that are not set are ignored.</summary>
    [Alias("Untag")]
    Task UntagAsync(IReadOnlyList<string> keys);

    /// <summary>
    /// Adds a statement to the resource-based policy of a qualifier (<c>null</c>: the unqualified function); fails
    /// when its id is taken or <paramref name="revisionId"/> is not the qualifier's current one.
    /// </summary>
    [Alias("AddPermission")]
    Task<PermissionStatement> AddPermissionAsync(string? qualifier, PermissionStatement statement, string? revisionId);

    /// <summary>The resource-based policy of a qualifier; fails with 404 when it has no statement.</summary>
    [Alias("GetPolicy"), ReadOnly]
    Task<FunctionPolicy> GetPolicyAsync(string? qualifier);

    /// <summary>Removes a statement from the policy of a qualifier; fails with 404 when there is no such statement.</summary>
    [Alias("RemovePermission")]
    Task RemovePermissionAsync(string? qualifier, string statementId, string? revisionId);

    /// <summary>The definition and effective settings for a qualifier; fails when either does not exist.</summary>
    [Alias("Resolve"), AlwaysInterleave]
    Task<ResolvedFunction> ResolveAsync(string? qualifier);

    /// <summary>Replaces the qualifier's event-invoke-config (omitted settings are dropped).</summary>
    [Alias("PutEventInvokeConfig")]
    Task<EventInvokeConfig> PutEventInvokeConfigAsync(string? qualifier, EventInvokeConfigInput input);

    /// <summary>Merges the given settings into the qualifier's event-invoke-config.</summary>
    [Alias("UpdateEventInvokeConfig")]
    Task<EventInvokeConfig> UpdateEventInvokeConfigAsync(string? qualifier, EventInvokeConfigInput input);

    /// <summary>The qualifier's event-invoke-config; fails with 404 when none is set.</summary>
    [Alias("GetEventInvokeConfig"), ReadOnly]
    Task<EventInvokeConfig> GetEventInvokeConfigAsync(string? qualifier);

    /// <summary>A page of the function's event-invoke-configs (1 to 50 a page, 50 by default).</summary>
    [Alias("ListEventInvokeConfigs"), ReadOnly]
    Task<EventInvokeConfigPage> ListEventInvokeConfigsAsync(string? marker, int? maxItems);

    /// <summary>Pauses (<c>true</c>) or resumes the function's asynchronous processing; returns the setting now in force.</summary>
    [Alias("SetAsyncPaused")]
    Task<bool> SetAsyncPausedAsync(bool paused);

    /// <summary>Whether the function's asynchronous processing is paused; fails with 404 when the function does not exist.</summary>
    [Alias("GetAsyncPaused"), ReadOnly]
    Task<bool> GetAsyncPausedAsync();

    /// <summary>Deletes the qualifier's event-invoke-config; fails with 404 when none is set.</summary>
    [Alias("DeleteEventInvokeConfig")]
    Task DeleteEventInvokeConfigAsync(string? qualifier);
}
