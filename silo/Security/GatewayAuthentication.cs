using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;

namespace Orleans.AsyncInvoke.Silo.Security;

/// <summary>
/// Authenticates every request to a route before it runs, in the convention of the route's surface (SigV4 for the
/// Lambda API, function keys for Azure-style routes, bearer API keys elsewhere), then checks the caller's role against
/// the route's permission (<see cref="AccessPolicy"/>). Runs after routing, so it knows the route; a request that
/// matches no route is answered by routing (404/405) and reaches nothing.
/// </summary>
internal sealed partial class GatewayAuthentication(
    RequestDelegate next,
    IOptionsMonitor<AuthOptions> options,
    IOptions<AsyncInvokeOptions> runtime,
    FunctionArns arns,
    TimeProvider time,
    ILogger<GatewayAuthentication> logger)
{
    /// <summary>How far a signature's date may be from the silo's clock.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is not RouteEndpoint endpoint)
        {
            await next(context);
            return;
        }

        var method = context.Request.Method;
        var pattern = endpoint.RoutePattern.RawText ?? "";
        var rule = AccessPolicy.Find(method, pattern) ?? AccessPolicy.Unlisted(method, pattern);
        var settings = options.CurrentValue;
        if (rule.Surface == Surface.Anonymous || (rule.Action == "asyncinvoke:GetMetrics" && settings.AnonymousMetrics))
        {
            await next(context);
            return;
        }

        if (!settings.Enabled)
        {
            if (!settings.AllowAnonymous && !IsLoopback(context.Connection.LocalIpAddress))
            {
                await AuthErrors.Refuse(rule, 403, "AccessDeniedException",
                    "No credential or API key is configured, so this gateway serves loopback only: configure AsyncInvoke:Auth (see the README's Security section).").ExecuteAsync(context);
                return;
            }

            context.Features.Set(Principal.Anonymous);
            await next(context);
            return;
        }

        var (principal, refusal) = await AuthenticateAsync(context, rule, settings);
        if (principal is null)
        {
            LogRefused(logger, method, context.Request.Path, refusal!.Code);
            await refusal.ExecuteAsync(context);
            return;
        }

        if (!principal.May(rule.Permission))
        {
            var resource = ResourceOf(context, rule);
            LogDenied(logger, principal.Name, rule.Action, resource);
            await AuthErrors.Refuse(rule, 403, "AccessDeniedException",
                $"User: arn:aws:iam::{runtime.Value.AccountId}:user/{principal.Name} is not authorized to perform: {rule.Action} on resource: {resource} because its role '{principal.Role.ToString().ToLowerInvariant()}' does not allow it").ExecuteAsync(context);
            return;
        }

        context.Features.Set(principal);
        await next(context);
    }

    private async Task<(Principal? Principal, AuthErrors.Refusal? Refusal)> AuthenticateAsync(HttpContext context, AccessRule rule, AuthOptions settings)
    {
        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith(SigV4.Algorithm, StringComparison.Ordinal) || request.Query.ContainsKey("X-Amz-Algorithm"))
        {
            return await VerifySignatureAsync(context, rule, settings);
        }

        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return FromApiKey(rule, settings, authorization["Bearer ".Length..].Trim());
        }

        if (authorization.Length == 0 && FromSessionCookie(context, rule, settings) is { } session)
        {
            return (session, null);
        }

        if (rule.Surface == Surface.Azure)
        {
            var key = request.Headers["x-functions-key"].ToString();
            if (key.Length == 0)
            {
                key = request.Query["code"].ToString();
            }

            if (key.Length > 0)
            {
                return FromApiKey(rule, settings, key);
            }
        }

        if (rule.Surface is Surface.Lambda or Surface.Aws)
        {
            return authorization.Length == 0
                ? (null, AuthErrors.Refuse(rule, 403, "MissingAuthenticationTokenException", "Missing Authentication Token"))
                : (null, AuthErrors.Refuse(rule, 403, "IncompleteSignatureException", $"Unsupported Authorization Type; sign requests with {SigV4.Algorithm}."));
        }

        if (rule.Surface == Surface.Console && HttpMethods.IsGet(request.Method) && request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal))
        {
            // A person at a browser: the console signs them in and sends them back.
            return (null, new AuthErrors.Refusal("SignInRequired",
                Results.Redirect("/console/?signin=" + Uri.EscapeDataString(request.Path + request.QueryString)), null));
        }

        var how = rule.Surface == Surface.Azure
            ? "send the function key as x-functions-key or ?code=, or Authorization: Bearer <API key>"
            : "send Authorization: Bearer <API key>, or sign the request with Signature Version 4";
        return (null, AuthErrors.Unauthorized(rule, $"Authentication required: {how}.", invalidToken: false));
    }

    private static (Principal?, AuthErrors.Refusal?) FromApiKey(AccessRule rule, AuthOptions settings, string presented) =>
        FindApiKey(settings, presented) is { } principal
            ? (principal, null)
            : (null, AuthErrors.Unauthorized(rule, "The API key is not valid.", invalidToken: true));

    /// <summary>The principal of a presented API key, or <c>null</c> when no configured key matches.</summary>
    internal static Principal? FindApiKey(AuthOptions settings, string presented)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        foreach (var (name, key) in settings.ApiKeys)
        {
            // Hashes of equal length, compared in constant time: neither the key's length nor its prefix leaks.
            if (key.Key.Length > 0 && CryptographicOperations.FixedTimeEquals(hash, SHA256.HashData(Encoding.UTF8.GetBytes(key.Key))))
            {
                return new Principal(name, Principal.ParseRole(key.Role) ?? AccessRole.Read);
            }
        }

        return null;
    }

    /// <summary>A console session cookie, honoured on the console's own routes, and on API routes when the console's header says the call is its own.</summary>
    private Principal? FromSessionCookie(HttpContext context, AccessRule rule, AuthOptions settings)
    {
        if (rule.Surface is not (Surface.Console or Surface.Bearer or Surface.Lambda)
            || !context.Request.Cookies.TryGetValue(ConsoleSession.CookieName, out var cookie) || string.IsNullOrEmpty(cookie))
        {
            return null;
        }

        if (rule.Surface != Surface.Console && context.Request.Headers[ConsoleSession.HeaderName].ToString() != "1")
        {
            return null;
        }

        return ConsoleSession.Verify(cookie, settings, time.GetUtcNow());
    }

    private async Task<(Principal?, AuthErrors.Refusal?)> VerifySignatureAsync(HttpContext context, AccessRule rule, AuthOptions settings)
    {
        var request = context.Request;
        var presigned = !request.Headers.Authorization.ToString().StartsWith(SigV4.Algorithm, StringComparison.Ordinal);
        string? problem;
        var signature = presigned
            ? SigV4.ParseQuery(name => request.Query.TryGetValue(name, out var v) ? v.ToString() : null, out problem)
            : SigV4.ParseHeader(request.Headers.Authorization.ToString(), out problem);
        if (signature is null)
        {
            return (null, AuthErrors.Refuse(rule, 403, "IncompleteSignatureException", problem!));
        }

        if (!settings.Credentials.TryGetValue(signature.AccessKeyId, out var credential) || credential.Secret.Length == 0)
        {
            return (null, AuthErrors.Refuse(rule, 403, "UnrecognizedClientException", "The security token included in the request is invalid."));
        }

        var amzDate = presigned ? request.Query["X-Amz-Date"].ToString() : request.Headers["X-Amz-Date"].ToString();
        if (amzDate.Length == 0 && !presigned)
        {
            amzDate = request.Headers.Date.ToString();
        }

        if (!SigV4.TryParseDate(amzDate, out var signedAt))
        {
            return (null, AuthErrors.Refuse(rule, 403, "IncompleteSignatureException",
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header in ISO 8601 basic format (yyyyMMddTHHmmssZ)."));
        }

        var now = time.GetUtcNow();
        if (Expired(signature, signedAt, now) is { } expired)
        {
            return (null, AuthErrors.Refuse(rule, 403, "InvalidSignatureException", expired));
        }

        if (signature.ScopeDate != signedAt.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture))
        {
            return (null, AuthErrors.Refuse(rule, 403, "InvalidSignatureException",
                $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{signature.ScopeDate}' != '{signedAt:yyyyMMdd}', from '{amzDate}'."));
        }

        if (rule.Surface == Surface.Lambda && signature.Service != "lambda")
        {
            return (null, AuthErrors.Refuse(rule, 403, "InvalidSignatureException", "Credential should be scoped to correct service: 'lambda'."));
        }

        if (rule.Surface == Surface.Aws && !AccessPolicy.AwsServiceNames.Contains(signature.Service))
        {
            return (null, AuthErrors.Refuse(rule, 403, "InvalidSignatureException",
                $"Credential should be scoped to correct service: one of '{string.Join("', '", AccessPolicy.AwsServiceNames.Order(StringComparer.Ordinal))}'."));
        }

        if (rule.Surface is Surface.Lambda or Surface.Aws && signature.Region != runtime.Value.Region)
        {
            return (null, AuthErrors.Refuse(rule, 403, "InvalidSignatureException", $"Credential should be scoped to a valid region. This endpoint serves '{runtime.Value.Region}'."));
        }

        var payload = await PayloadHashAsync(context, rule, presigned);
        if (payload.Refusal is not null)
        {
            return (null, payload.Refusal);
        }

        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var (rawPath, rawQuery) = SplitTarget(string.IsNullOrEmpty(rawTarget) ? request.Path.ToUriComponent() + request.QueryString : rawTarget);
        string Header(string name) => name == "host" ? request.Host.Value ?? "" : string.Join(',', request.Headers[name].Select(v => v ?? ""));

        foreach (var hash in payload.Candidates)
        {
            var canonical = SigV4.CanonicalRequest(request.Method, rawPath, rawQuery, signature.SignedHeaders, Header, hash, presigned);
            var expected = SigV4.Sign(credential.Secret, signature, SigV4.StringToSign(amzDate, signature, canonical));
            if (SigV4.SameSignature(expected, signature.Signature))
            {
                return (new Principal(signature.AccessKeyId, Principal.ParseRole(credential.Role) ?? AccessRole.Read), null);
            }
        }

        return (null, AuthErrors.Refuse(rule, 403, "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."));
    }

    private static string? Expired(SigV4Signature signature, DateTimeOffset signedAt, DateTimeOffset now)
    {
        static string Basic(DateTimeOffset t) => t.ToString(SigV4.AmzDateFormat, System.Globalization.CultureInfo.InvariantCulture);
        if (signature.Presigned && signature.Expires is { } lifetime && now > signedAt + lifetime)
        {
            return $"Signature expired: {Basic(signedAt + lifetime)} is now earlier than {Basic(now)}.";
        }

        if (!signature.Presigned && signedAt < now - MaxClockSkew)
        {
            return $"Signature expired: {Basic(signedAt)} is now earlier than {Basic(now - MaxClockSkew)} ({Basic(now)} - 5 min.)";
        }

        return signedAt > now + MaxClockSkew
            ? $"Signature not yet current: {Basic(signedAt)} is still later than {Basic(now + MaxClockSkew)} ({Basic(now)} + 5 min.)"
            : null;
    }

    /// <summary>The payload hashes the signature may have used: the header's (checked against the body) or the body's.</summary>
    private static async Task<(IReadOnlyList<string> Candidates, AuthErrors.Refusal? Refusal)> PayloadHashAsync(HttpContext context, AccessRule rule, bool presigned)
    {
        var declared = context.Request.Headers["x-amz-content-sha256"].ToString();
        if (declared == SigV4.UnsignedPayload)
        {
            return ([SigV4.UnsignedPayload], null);
        }

        if (declared.StartsWith("STREAMING-", StringComparison.Ordinal))
        {
            return ([], AuthErrors.Refuse(rule, 400, "InvalidRequestContentException",
                $"Chunked payload signing ({declared}) is not accepted here: sign the whole payload, or send x-amz-content-sha256: {SigV4.UnsignedPayload}."));
        }

        string body;
        try
        {
            body = await BodyHashAsync(context.Request, context.RequestAborted);
        }
        catch (BadHttpRequestException ex)
        {
            return ([], AuthErrors.Refuse(rule, ex.StatusCode, ex.StatusCode == 413 ? "RequestEntityTooLargeException" : "InvalidRequestContentException", ex.Message));
        }

        if (declared.Length > 0 && !string.Equals(declared, body, StringComparison.OrdinalIgnoreCase))
        {
            return ([], AuthErrors.Refuse(rule, 400, "InvalidSignatureException", "The provided 'x-amz-content-sha256' header does not match what was computed."));
        }

        // A presigned URL carries no body hash: signers use either the body's or UNSIGNED-PAYLOAD.
        return (presigned && declared.Length == 0 ? [body, SigV4.UnsignedPayload] : [body], null);
    }

    private static async Task<string> BodyHashAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        request.EnableBuffering();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        request.Body.Position = 0;
        return SigV4.Hex(hash.GetHashAndReset());
    }

    private static (string Path, string Query) SplitTarget(string target)
    {
        var q = target.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? (target, "") : (target[..q], target[(q + 1)..]);
    }

    private string ResourceOf(HttpContext context, AccessRule rule)
    {
        if (rule.Surface == Surface.Lambda || rule.Surface == Surface.Azure || rule.Permission == Permission.Invoke)
        {
            foreach (var key in new[] { "functionName", "function", "functionUrn", "resource" })
            {
                if (context.Request.RouteValues.TryGetValue(key, out var value) && value is string name && name.Length > 0)
                {
                    return name.StartsWith("arn:", StringComparison.Ordinal) ? name : arns.Unqualified(name.Split(':')[0]);
                }
            }

            return arns.Unqualified("*");
        }

        return $"{context.Request.Method} {context.Request.Path}";
    }

    private static bool IsLoopback(IPAddress? local) => local is null || IPAddress.IsLoopback(local);

    [LoggerMessage(EventId = LogEvents.AuthenticationRefused, Level = LogLevel.Information, Message = "Refused {Method} {Path}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string path, string reason);

    [LoggerMessage(EventId = LogEvents.AccessDenied, Level = LogLevel.Information, Message = "Denied {Principal} {Action} on {Resource}")]
    private static partial void LogDenied(ILogger logger, string principal, string action, string resource);
}
