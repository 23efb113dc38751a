using System.Text.Json.Nodes;
using Orleans.AsyncInvoke.Functions;

namespace Orleans.AsyncInvoke.Silo.Gateway.Lambda;

/// <summary>
/// The read-only settings Terraform, SAM and CDK read while planning: GetAccountSettings,
/// GetFunctionCodeSigningConfig, GetFunctionUrlConfig and GetRuntimeManagementConfig.
/// </summary>
internal static partial class LambdaFunctionEndpoints
{
    // Functions carry a target, not a code package, so no code storage is used; Lambda's default quotas are
    // reported so that tools comparing a package size against them find room.
    private const long TotalCodeSizeLimit = 80_530_636_800;
    private const long CodeSizeZippedLimit = 52_428_800;
    private const long CodeSizeUnzippedLimit = 262_144_000;

    // The runtime has no account-wide concurrency quota: only a function's reserved concurrency limits it.
    private const long ConcurrentExecutionsLimit = int.MaxValue;

    private static async Task<IResult> GetAccountSettingsAsync(IGrainFactory grains)
    {
        var names = await grains.GetGrain<IFunctionRegistryGrain>(IFunctionRegistryGrain.Key).ListAsync(null, int.MaxValue);
        var definitions = await Task.WhenAll(names.Select(n => grains.GetGrain<IFunctionGrain>(n).GetAsync()));
        var functions = definitions.OfType<FunctionDefinition>().ToList();
        var reserved = functions.Sum(d => (long)(d.ReservedConcurrency ?? 0));
        return Results.Json(new JsonObject
        {
            ["AccountLimit"] = new JsonObject
            {
                ["TotalCodeSize"] = TotalCodeSizeLimit,
                ["CodeSizeUnzipped"] = CodeSizeUnzippedLimit,
                ["CodeSizeZipped"] = CodeSizeZippedLimit,
                ["ConcurrentExecutions"] = ConcurrentExecutionsLimit,
                ["UnreservedConcurrentExecutions"] = Math.Max(0, ConcurrentExecutionsLimit - reserved),
            },
            ["AccountUsage"] = new JsonObject
            {
                ["TotalCodeSize"] = 0,
                ["FunctionCount"] = functions.Count,
            },
        });
    }

    private static async Task<IResult> GetCodeSigningConfigAsync(string functionName, IGrainFactory grains)
    {
        var (name, _) = LambdaFunctionName.Parse(functionName, null);
        _ = await grains.GetGrain<IFunctionGrain>(name).GetQualifiedAsync(null);
        // Code signing applies to code packages, which functions here do not have: none is ever attached, and
        // Lambda answers an empty object for a function without one.
        return Results.Json(new JsonObject());
    }

    private static IResult GetUrlConfig(HttpContext http, string functionName)
    {
        _ = LambdaFunctionName.Parse(functionName, http.Request.Query["Qualifier"]);
        // Function URLs are not offered (the gateway's own routes serve HTTP calls), so there is never a URL config:
        // Lambda's answer for a function without one, and for a function that does not exist.
        throw ErrorCodes.NotFound("The resource you requested does not exist.");
    }

    private static async Task<IResult> GetRuntimeManagementConfigAsync(HttpContext http, string functionName, IGrainFactory grains, FunctionArns arns)
    {
        var (name, qualifier) = LambdaFunctionName.Parse(functionName, http.Request.Query["Qualifier"]);
        _ = await grains.GetGrain<IFunctionGrain>(name).GetQualifiedAsync(qualifier);
        return Results.Json(new JsonObject
        {
            ["UpdateRuntimeOn"] = "Auto",
            ["FunctionArn"] = qualifier is null ? arns.Unqualified(name) : arns.Qualified(name, qualifier),
        });
    }
}
