using Orleans.AsyncInvoke.Silo.Gateway;
using Orleans.AsyncInvoke.Silo.Gateway.Aws;
using Orleans.AsyncInvoke.Silo.Gateway.Lambda;

namespace Orleans.AsyncInvoke.Silo.Security;

/// <summary>Authentication and permission errors, each in the wire format of the surface the request came in on.</summary>
internal static class AuthErrors
{
    /// <summary>A refusal, ready to write.</summary>
    public sealed record Refusal(string Code, IResult Result, string? Challenge)
    {
        public Task ExecuteAsync(HttpContext context)
        {
            if (Challenge is not null)
            {
                context.Response.Headers.WWWAuthenticate = Challenge;
            }

            return Result.ExecuteAsync(context);
        }
    }

    public static Refusal Refuse(AccessRule rule, int status, string code, string message) =>
        new(code, rule.Surface switch
        {
            Surface.Lambda => new LambdaErrorResult(code, status, message),
            Surface.Aws => new AwsAuthErrorResult(status, code, message),
            _ => GatewayErrorFilter.Error(status, code, message),
        }, null);

    /// <summary>401 with a bearer challenge (RFC 6750) on the routes that take API keys.</summary>
    public static Refusal Unauthorized(AccessRule rule, string message, bool invalidToken) =>
        new("UnauthorizedException", GatewayErrorFilter.Error(401, "UnauthorizedException", message),
            invalidToken ? "Bearer realm=\"asyncinvoke\", error=\"invalid_token\"" : "Bearer realm=\"asyncinvoke\"");
}
