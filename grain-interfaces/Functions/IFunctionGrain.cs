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

    /// <summary>Deletes the qualifier's event-invoke-config; fails with 404 when none is set.</summary>
    [Alias("DeleteEventInvokeConfig")]
    Task DeleteEventInvokeConfigAsync(string? qualifier);
}
