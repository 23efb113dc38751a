using Orleans.AsyncInvoke.Silo.Gateway;
using Orleans.Runtime;

namespace Orleans.AsyncInvoke.Silo.WebConsole;

/// <summary>
/// Guards the Orleans Dashboard's routes: a silo address in the path that is not one is a 400 in the gateway's error
/// shape, before the dashboard tries to build a grain for it, and no failure of the dashboard shows its stack.
/// </summary>
internal static class DashboardFilter
{
    /// <summary>
    /// Answers a request the dashboard's parameter binding refuses (a catch-all path it cannot bind) as a 400 in the
    /// gateway's shape; binding runs before endpoint filters, so this wraps the endpoint itself.
    /// </summary>
    public static async Task GuardBindingAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments(Security.AccessPolicy.DashboardPrefix, StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        try
        {
            await next(context);
        }
        catch (BadHttpRequestException) when (!context.Response.HasStarted)
        {
            await GatewayErrorFilter.Error(400, ErrorCodes.InvalidParameterValue, "The dashboard could not read the request's path or parameters.").ExecuteAsync(context);
        }
    }

    public static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!ConsoleSettings.DashboardTrace(context.HttpContext.RequestServices.GetRequiredService<IConfiguration>())
            && context.HttpContext.Request.Path.StartsWithSegments(Security.AccessPolicy.DashboardPrefix + "/Trace", StringComparison.OrdinalIgnoreCase))
        {
            return GatewayErrorFilter.Error(403, "AccessDeniedException", "The dashboard's live log is off: set AsyncInvoke:Console:DashboardTrace=true to stream it.");
        }

        var values = context.HttpContext.Request.RouteValues;
        foreach (var name in (string[])["address", "path"])
        {
            if (values.TryGetValue(name, out var value) && value is string address && address.Length > 0 && !IsSiloAddress(address))
            {
                return GatewayErrorFilter.Error(400, ErrorCodes.InvalidParameterValue, "The path does not name a silo: use an address the dashboard lists (ip:port@generation).");
            }
        }

        try
        {
            return await next(context);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException || ex.InnerException is FormatException or ArgumentException)
        {
            return GatewayErrorFilter.Error(400, ErrorCodes.InvalidParameterValue, "The dashboard could not read the request's parameters.");
        }
    }

    private static bool IsSiloAddress(string text)
    {
        try
        {
            _ = SiloAddress.Parse(text, null);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            return false;
        }
    }
}
