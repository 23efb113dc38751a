using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;

namespace Orleans.AsyncInvoke.Silo.Gateway.Lambda;

/// <summary>PublishVersion, ListVersionsByFunction and the alias operations.</summary>
internal static partial class LambdaFunctionEndpoints
{
    private static async Task<IResult> PublishVersionAsync(HttpContext http, string functionName, IGrainFactory grains, FunctionArns arns, IOptions<AsyncInvokeOptions> options, IOptions<GatewayOptions> gateway)
    {
        var (name, _) = LambdaFunctionName.Parse(functionName, null);
        var body = await LambdaRequest.ReadObjectAsync(http.Request, gateway.Value.MaxJsonBodyBytes);
        var version = await grains.GetGrain<IFunctionGrain>(name).PublishVersionAsync(body.String("Description"));
        return Results.Json(LambdaShapes.FunctionConfiguration(version, arns, options.Value.Region, options.Value.AccountId), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListVersionsAsync(HttpContext http, string functionName, IGrainFactory grains, FunctionArns arns, IOptions<AsyncInvokeOptions> options)
    {
        var (name, _) = LambdaFunctionName.Parse(functionName, null);
        var versions = await grains.GetGrain<IFunctionGrain>(name).ListVersionsAsync();
        var (page, next) = Page(versions, v => v.Version, http.Request);
        var response = new JsonObject { ["Versions"] = new JsonArray([.. page.Select(v => (JsonNode)LambdaShapes.FunctionConfiguration(v, arns, options.Value.Region, options.Value.AccountId))]) };
        if (next is not null)
        {
            response["NextMarker"] = next;
        }

        return Results.Json(response);
    }

    private static async Task<IResult> CreateAliasAsync(HttpContext http, string functionName, IGrainFactory grains, FunctionArns arns, IOptions<GatewayOptions> gateway)
    {
        var (name, _) = LambdaFunctionName.Parse(functionName, null);
        var body = await LambdaRequest.ReadObjectAsync(http.Request, gateway.Value.MaxJsonBodyBytes);
        var alias = await grains.GetGrain<IFunctionGrain>(name).CreateAliasAsync(
            body.String("Name") ?? throw ErrorCodes.InvalidParameter("Name is required."),
            body.String("FunctionVersion") ?? throw ErrorCodes.InvalidParameter("FunctionVersion is required."),
            body.String("Description"),
            RoutingWeights(body));
        return Results.Json(LambdaShapes.Alias(alias, arns, name), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetAliasAsync(string functionName, string aliasName, IGrainFactory grains, FunctionArns arns)
    {
        var (name, _) = LambdaFunctionName.Parse(functionName, null);
        return Results.Json(LambdaShapes.Alias(await grains.GetGrain<IFunctionGrain>(name).GetAliasAsync(aliasName), arns, name));
    }

    private static async Task<IResult> UpdateAliasAsync(HttpContext http, string functionName, string aliasName, IGrainFactory grains, FunctionArns arns, IOptions<GatewayOptions> gateway)
    {
        var (name, _) = LambdaFunctionName.Parse(functionName, null);
        var body = await LambdaRequest.ReadObjectAsync(http.Request, gateway.Value.MaxJsonBodyBytes);
        var alias = await grains.GetGrain<IFunctionGrain>(name).UpdateAliasAsync(aliasName, body.String("FunctionVersion"), body.String("Description"), RoutingWeights(body));
        return Results.Json(LambdaShapes.Alias(alias, arns, name));
    }

    private static async Task<IResult> DeleteAliasAsync(string functionName, string aliasName, IGrainFactory grains)
    {
        var (name, _) = LambdaFunctionName.Parse(functionName, null);
        await grains.GetGrain<IFunctionGrain>(name).DeleteAliasAsync(aliasName);
        return Results.NoContent();
    }

    private static async Task<IResult> ListAliasesAsync(HttpContext http, string functionName, IGrainFactory grains, FunctionArns arns)
    {
        var (name, _) = LambdaFunctionName.Parse(functionName, null);
        var aliases = await grains.GetGrain<IFunctionGrain>(name).ListAliasesAsync();
        var version = http.Request.Query["FunctionVersion"].ToString();
        var filtered = string.IsNullOrEmpty(version) ? aliases : [.. aliases.Where(a => a.FunctionVersion == version)];
        var (page, next) = Page(filtered, a => a.Name, http.Request);
        var response = new JsonObject { ["Aliases"] = new JsonArray([.. page.Select(a => (JsonNode)LambdaShapes.Alias(a, arns, name))]) };
        if (next is not null)
        {
            response["NextMarker"] = next;
        }

        return Results.Json(response);
    }

    /// <summary><c>RoutingConfig.AdditionalVersionWeights</c>: <c>null</c> when no routing config was sent, empty to remove one.</summary>
    private static Dictionary<string, double>? RoutingWeights(System.Text.Json.JsonElement body) =>
        body.Object("RoutingConfig") is { } routing
            ? routing.NumberMap("AdditionalVersionWeights") ?? new Dictionary<string, double>(StringComparer.Ordinal)
            : null;
}
