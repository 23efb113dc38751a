namespace Orleans.AsyncInvoke.Silo.Gateway.Lambda;

/// <summary>The Lambda-compatible REST API. Signatures (SigV4) are accepted unchecked, as emulators do.</summary>
internal static class LambdaEndpoints
{
    public static IEndpointRouteBuilder MapLambdaApi(this IEndpointRouteBuilder endpoints)
    {
        var lambda = endpoints.MapGroup("").AddEndpointFilter<LambdaErrorFilter>();
        LambdaInvokeEndpoints.Map(lambda);
        LambdaFunctionEndpoints.Map(lambda);
        LambdaEventInvokeConfigEndpoints.Map(lambda);
        return endpoints;
    }
}
