using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Silo.Gateway;
using Orleans.AsyncInvoke.Silo.Gateway.Lambda;
using Orleans.AsyncInvoke.Silo.Security;

namespace Orleans.AsyncInvoke.Silo.WebConsole;

/// <summary>
/// The web console at <c>/console</c>: a single page served from the silo's own assembly (no build service, nothing
/// fetched from elsewhere), signing in with an API key or a SigV4 credential when authentication is on. The page and
/// its scripts hold no data; everything it shows comes from the API, behind the same authentication as any caller.
/// </summary>
internal static class ConsoleEndpoints
{
    private const string ResourcePrefix = "console/";

    private static readonly FrozenDictionary<string, ConsoleAsset> Assets = LoadAssets();

    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("").AddEndpointFilter<GatewayErrorFilter>();
        group.MapGet("/console", Page);
        group.MapGet("/console/{**path}", (HttpContext http, string? path) => path is not null && path.StartsWith("assets/", StringComparison.Ordinal)
            ? Asset(http, path)
            : Page(http));
        group.MapGet("/console/session", Session);
        group.MapPost("/console/login", LoginAsync);
        group.MapPost("/console/logout", Logout);
        return endpoints;
    }

    /// <summary>The page: every console route is the same single page, which routes on the client.</summary>
    private static IResult Page(HttpContext http) => Asset(http, "index.html", cache: false);

    private static IResult Asset(HttpContext http, string path, bool cache = true)
    {
        if (!Assets.TryGetValue(path, out var asset))
        {
            return GatewayErrorFilter.Error(404, "ResourceNotFoundException", $"The console has no file {path}.");
        }

        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        headers.CacheControl = cache ? "public, max-age=300" : "no-cache";
        headers.ETag = asset.ETag;
        if (http.Request.Headers.IfNoneMatch.ToString() == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Content, asset.ContentType);
    }

    private static IResult Session(HttpContext http, IOptionsMonitor<AuthOptions> options, TimeProvider time)
    {
        var settings = options.CurrentValue;
        var principal = settings.Enabled
            ? http.Request.Cookies.TryGetValue(ConsoleSession.CookieName, out var cookie) && cookie is { Length: > 0 }
                ? ConsoleSession.Verify(cookie, settings, time.GetUtcNow())
                : null
            : Principal.Anonymous;
        return Results.Json(new
        {
            authRequired = settings.Enabled,
            authenticated = principal is not null,
            name = principal?.Name,
            role = principal?.Role.ToString().ToLowerInvariant(),
        });
    }

    /// <summary>Signs in with <c>{"apiKey"}</c>, or <c>{"accessKeyId","secretAccessKey"}</c>: a session cookie for <see cref="ConsoleSession.Lifetime"/>.</summary>
    private static async Task<IResult> LoginAsync(HttpContext http, IOptionsMonitor<AuthOptions> options, IOptions<GatewayOptions> gateway, TimeProvider time)
    {
        var settings = options.CurrentValue;
        if (!settings.Enabled)
        {
            return GatewayErrorFilter.Error(400, "InvalidRequestContentException", "Authentication is off: the console needs no sign-in.");
        }

        var body = await LambdaRequest.ReadObjectAsync(http.Request, gateway.Value.MaxJsonBodyBytes);

        var apiKey = body.String("apiKey");
        var accessKeyId = body.String("accessKeyId");
        var (kind, principal, secret) = (apiKey, accessKeyId) switch
        {
            ({ Length: > 0 }, _) when GatewayAuthentication.FindApiKey(settings, apiKey) is { } p => ('k', p, settings.ApiKeys[p.Name].Key),
            (_, { Length: > 0 }) when FindCredential(settings, accessKeyId, body.String("secretAccessKey") ?? "") is { } p => ('c', p, settings.Credentials[p.Name].Secret),
            _ => ('\0', null, ""),
        };
        if (principal is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"asyncinvoke\", error=\"invalid_token\"";
            return GatewayErrorFilter.Error(401, "UnauthorizedException", apiKey is null && accessKeyId is null
                ? "Send {\"apiKey\": \"…\"} or {\"accessKeyId\": \"…\", \"secretAccessKey\": \"…\"}."
                : "The key is not valid.");
        }

        http.Response.Cookies.Append(ConsoleSession.CookieName, ConsoleSession.Issue(kind, principal.Name, secret, time.GetUtcNow()), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = SeenOverHttps(http.Request),
            Path = "/",
            MaxAge = ConsoleSession.Lifetime,
        });
        return Results.Json(new { name = principal.Name, role = principal.Role.ToString().ToLowerInvariant() });
    }

    private static IResult Logout(HttpContext http)
    {
        http.Response.Cookies.Delete(ConsoleSession.CookieName, new CookieOptions { Path = "/", SameSite = SameSiteMode.Strict, Secure = SeenOverHttps(http.Request), HttpOnly = true });
        return Results.NoContent();
    }

    /// <summary>
    /// Whether the browser reached us over HTTPS: directly, or through a proxy that ended TLS and says so. Trusting the
    /// header only ever makes the cookie stricter.
    /// </summary>
    private static bool SeenOverHttps(HttpRequest request) =>
        request.IsHttps || request.Headers["X-Forwarded-Proto"].ToString().Contains("https", StringComparison.OrdinalIgnoreCase);

    private static Principal? FindCredential(AuthOptions settings, string accessKeyId, string secret)
    {
        if (!settings.Credentials.TryGetValue(accessKeyId, out var credential) || credential.Secret.Length == 0)
        {
            return null;
        }

        var matches = CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(secret)), SHA256.HashData(Encoding.UTF8.GetBytes(credential.Secret)));
        return matches ? new Principal(accessKeyId, Principal.ParseRole(credential.Role) ?? AccessRole.Read) : null;
    }

    private static FrozenDictionary<string, ConsoleAsset> LoadAssets()
    {
        var assembly = typeof(ConsoleEndpoints).Assembly;
        var assets = new Dictionary<string, ConsoleAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            var path = name[ResourcePrefix.Length..].Replace('\\', '/');
            assets[path] = new ConsoleAsset(content, ContentTypeOf(path), "\"" + Convert.ToHexString(SHA256.HashData(content))[..16] + "\"");
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string path) => Path.GetExtension(path) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" or ".mjs" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };

    private sealed record ConsoleAsset(byte[] Content, string ContentType, string ETag);
}
