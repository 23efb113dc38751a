using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Functions;

namespace Orleans.AsyncInvoke.Silo.Gateway.Lambda;

/// <summary>Put / Get / Delete FunctionConcurrency and Get / Put FunctionRecursionConfig.</summary>
internal static partial class LambdaFunctionEndpoints
{
    private static async Task<IResult> PutConcurrencyAsync(HttpContext http, string functionName, IGrainFactory grains, IOptions<GatewayOptions> gateway)
    {
        var (name, _) = LambdaFunctionName.Parse(functionName, null);
        var body = await LambdaRequest.ReadObjectAsync(http.Request, gateway.Value.MaxJsonBodyBytes);
        var reserved = body.Int("ReservedConcurrentExecutions") ?? throw ErrorCodes.InvalidParameter("ReservedConcurrentExecutions is required.");
        var updated = await grains.GetGrain<IFunctionGrain>(name).UpdateAsync(new FunctionDefinitionInput { ReservedConcurrency = reserved });
        return Results.Json(new JsonObject { ["ReservedConcurrentExecutions"] = updated.ReservedConcurrency });
    }

    private static async Task<IResult> GetConcurrencyAsync(string functionName, IGrainFactory grains)
    {
        var (name, _) = LambdaFunctionName.Parse(functionName, null);
        var definition = await grains.GetGrain<IFunctionGrain>(name).GetQualifiedAsync(null);
        var response = new JsonObject();
        if (definition.ReservedConcurrency is { } reserved)
        {
            response["ReservedConcurrentExecutions"] = reserved;
        }

        return Results.Json(response);
    }

    private static async Task<IResult> DeleteConcurrencyAsync(string functionName, IGrainFactory grains)
    {
        var (name, _) = LambdaFunctionName.Parse(functionName, null);
        await grains.GetGrain<IFunctionGrain>(name).UpdateAsync(new FunctionDefinitionInput { ClearReservedConcurrency = true });
        return Results.NoContent();
    }

    private static async Task<IResult> GetRecursionAsync(string functionName, IGrainFactory grains)
    {
        var (name, _) = LambdaFunctionName.Parse(functionName, null);
        return Results.Json(new JsonObject { ["RecursiveLoop"] = await grains.GetGrain<IFunctionGrain>(name).GetRecursiveLoopAsync() });
    }

    private static async Task<IResult> PutRecursionAsync(HttpContext http, string functionName, IGrainFactory grains, IOptions<GatewayOptions> gateway)
    {
        var (name, _) = LambdaFunctionName.Parse(functionName, null);
        var body = await LambdaRequest.ReadObjectAsync(http.Request, gateway.Value.MaxJsonBodyBytes);
        var loop = body.String("RecursiveLoop") ?? throw ErrorCodes.InvalidParameter("RecursiveLoop is required.");
        return Results.Json(new JsonObject { ["RecursiveLoop"] = await grains.GetGrain<IFunctionGrain>(name).PutRecursiveLoopAsync(loop) });
    }
}
