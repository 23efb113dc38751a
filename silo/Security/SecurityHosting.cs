using Microsoft.Extensions.Options;

namespace Orleans.AsyncInvoke.Silo.Security;

/// <summary>Wires authentication, the accept rate limits and the secure-by-default start check into the silo.</summary>
public static partial class SecurityHosting
{
    /// <summary>Binds <c>AsyncInvoke:Auth</c> (validated at start) and registers the accept rate limiter.</summary>
    public static WebApplicationBuilder AddAsyncInvokeSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().Bind(builder.Configuration.GetSection(AuthOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        builder.Services.AddSingleton<AcceptRateLimiter>();
        return builder;
    }

    /// <summary>Authenticates and authorizes every routed request (routing first, so the route is known).</summary>
    public static WebApplication UseAsyncInvokeAuthentication(this WebApplication app)
    {
        app.UseRouting();
        app.UseMiddleware<GatewayAuthentication>();
        return app;
    }

    /// <summary>
    /// Why the silo must not start: its HTTP endpoint listens beyond loopback with nobody to authenticate, and nobody
    /// said it is open on purpose. <c>null</c> when it may start.
    /// </summary>
    public static string? OpenBeyondLoopback(IConfiguration configuration, AuthOptions auth)
    {
        if (auth.Enabled || auth.AllowAnonymous)
        {
            return null;
        }

        var open = ListenUrls(configuration).Where(u => !IsLoopbackUrl(u)).ToList();
        return open.Count == 0
            ? null
            : $"The HTTP endpoint listens beyond loopback ({string.Join(", ", open)}) and no credential or API key is configured. Set "
              + $"{AuthOptions.SectionName}:Credentials:<AccessKeyId>:Secret (Signature Version 4) or {AuthOptions.SectionName}:ApiKeys:<name>:Key, "
              + $"or {AuthOptions.SectionName}:AllowAnonymous=true to serve it without authentication on purpose.";
    }

    /// <summary>The URLs Kestrel will listen on, as configured (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>*_PORTS</c>, <c>Kestrel:Endpoints</c>).</summary>
    public static IReadOnlyList<string> ListenUrls(IConfiguration configuration)
    {
        var urls = new List<string>();
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { Length: > 0 } url)
            {
                urls.Add(url);
            }
        }

        if (urls.Count > 0)
        {
            // Kestrel's own endpoint configuration replaces the URLs given any other way.
            return urls;
        }

        urls.AddRange(Split(configuration["urls"]));
        if (urls.Count > 0)
        {
            return urls;
        }

        urls.AddRange(Split(configuration["http_ports"]).Select(p => $"http://*:{p}"));
        urls.AddRange(Split(configuration["https_ports"]).Select(p => $"https://*:{p}"));
        return urls.Count > 0 ? urls : ["http://localhost:5000"];
    }

    private static IEnumerable<string> Split(string? value) =>
        (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool IsLoopbackUrl(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        var rest = start < 0 ? url : url[(start + 3)..];
        var host = rest.StartsWith('[') ? rest[..(rest.IndexOf(']', StringComparison.Ordinal) + 1)] : rest.Split(':', '/')[0];
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address));
    }

    /// <summary>Says at start who may call the gateway, without naming any secret.</summary>
    public static void LogAuthentication(ILogger logger, IConfiguration configuration, AuthOptions auth)
    {
        if (auth.Enabled)
        {
            LogOn(logger, auth.Credentials.Count, auth.ApiKeys.Count);
        }
        else
        {
            LogOff(logger, string.Join(", ", ListenUrls(configuration)), auth.AllowAnonymous ? "anyone who can reach it (AllowAnonymous=true)" : "loopback callers only");
        }
    }

    [LoggerMessage(EventId = LogEvents.AuthenticationOn, Level = LogLevel.Information, Message = "Authentication is on: {Credentials} SigV4 credential(s), {ApiKeys} API key(s).")]
    private static partial void LogOn(ILogger logger, int credentials, int apiKeys);

    [LoggerMessage(EventId = LogEvents.AuthenticationOff, Level = LogLevel.Warning, Message = "Authentication is off: the HTTP gateway ({Urls}) serves {Who}, every route open. Configure AsyncInvoke:Auth to require credentials.")]
    private static partial void LogOff(ILogger logger, string urls, string who);
}
