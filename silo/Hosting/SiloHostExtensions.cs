using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Destinations.Webhook;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Silo.Gateway;
using Orleans.AsyncInvoke.Silo.Gateway.Aws;
using Orleans.AsyncInvoke.Silo.Gateway.Lambda;
using Orleans.AsyncInvoke.Silo.Security;
using Orleans.AsyncInvoke.Silo.WebConsole;
using Orleans.Dashboard;

namespace Orleans.AsyncInvoke.Silo.Hosting;

/// <summary>Wires the silo and its HTTP gateway into a web application.</summary>
public static partial class SiloHostExtensions
{
    /// <summary>Adds the Orleans silo (profile chosen by configuration) and the runtime's services.</summary>
    public static WebApplicationBuilder AddAsyncInvokeSilo(this WebApplicationBuilder builder)
    {
        UseAppSettingsBesideTheApplication(builder);
        builder.UseOrleans(silo => silo.UseAsyncInvokeProfile(builder.Configuration));
        builder.AddAsyncInvokeShutdown();
        builder.Services.AddAsyncInvoke(builder.Configuration);
        builder.Services.AddOptions<GatewayOptions>().Bind(builder.Configuration.GetSection(GatewayOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        builder.Services.AddOptions<WebhookOptions>().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>();
        builder.AddAsyncInvokeTelemetry();
        builder.AddAsyncInvokeSecurity();
        // Bodies for people and SDKs: no HTML escaping of quotes in any JSON the gateway writes.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        return builder;
    }

    /// <summary>
    /// A silo started from another directory still reads the <c>appsettings.json</c> it was published with: when the
    /// content root (the working directory) has none, the one beside the application takes its place, at the same
    /// precedence (environment variables and the command line still win).
    /// </summary>
    private static void UseAppSettingsBesideTheApplication(WebApplicationBuilder builder)
    {
        var appDirectory = AppContext.BaseDirectory;
        if (File.Exists(Path.Combine(builder.Environment.ContentRootPath, "appsettings.json"))
            || !File.Exists(Path.Combine(appDirectory, "appsettings.json")))
        {
            return;
        }

        var sources = builder.Configuration.Sources;
        var index = sources.ToList().FindIndex(s => s is Microsoft.Extensions.Configuration.Json.JsonConfigurationSource { Path: "appsettings.json" });
        if (index < 0)
        {
            return;
        }

        sources.Insert(index + 1, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
        {
            Path = "appsettings.json",
            Optional = true,
            FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(appDirectory),
        });
    }

    /// <summary>
    /// Validates every options type of the runtime at once, before anything starts, so that one start reports every
    /// bad key; throws one <see cref="OptionsValidationException"/> listing them all.
    /// </summary>
    public static WebApplication ValidateAsyncInvokeOptions(this WebApplication app)
    {
        var failures = new List<string>();
        void Check<T>()
            where T : class
        {
            try
            {
                _ = app.Services.GetRequiredService<IOptions<T>>().Value;
            }
            catch (OptionsValidationException ex)
            {
                failures.AddRange(ex.Failures);
            }
            catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
            {
                // A value that does not parse (Retention=bogus): the binder names the key and the type it expected.
                failures.Add(ex.Message);
            }
        }

        Check<AsyncInvokeOptions>();
        Check<GatewayOptions>();
        Check<WebhookOptions>();
        Check<ShutdownOptions>();
        Check<AuthOptions>();
        if (failures.Count == 0 && SecurityHosting.OpenBeyondLoopback(app.Configuration, app.Services.GetRequiredService<IOptions<AuthOptions>>().Value) is { } open)
        {
            failures.Add(open);
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(AsyncInvokeOptions.SectionName, typeof(AsyncInvokeOptions), failures);
        }

        return app;
    }

    /// <summary>Maps the Lambda-compatible API, the other entry points, invocation status and the health probes.</summary>
    public static WebApplication MapAsyncInvokeEndpoints(this WebApplication app)
    {
        app.UseAsyncInvokeAuthentication();
        app.MapLambdaApi();
        app.MapEntryPoints();
        app.MapControl();
        app.MapQueues();
        app.MapAwsServices();
        app.MapRouting();
        app.MapConsole();
        if (ConsoleSettings.DashboardEnabled(app.Configuration))
        {
            app.Use(DashboardFilter.GuardBindingAsync);
            app.MapOrleansDashboard(AccessPolicy.DashboardPrefix).AddEndpointFilter(DashboardFilter.InvokeAsync);
        }

        app.MapAsyncInvokeTelemetry();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapReadiness();
        return app;
    }

    /// <summary>Says which profile runs, and plainly that the embedded one keeps nothing.</summary>
    public static WebApplication LogProfile(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Orleans.AsyncInvoke.Silo");
        var profile = SiloProfiles.Select(app.Configuration);
        if (profile == "embedded")
        {
            LogEmbedded(logger);
        }
        else if (profile == KubernetesProfile.Name)
        {
            KubernetesProfile.LogSelected(logger, app.Configuration);
        }
        else
        {
            LogRedis(logger);
        }

        SecurityHosting.LogAuthentication(logger, app.Configuration, app.Services.GetRequiredService<IOptions<AuthOptions>>().Value);

        return app;
    }

    [LoggerMessage(EventId = LogEvents.EmbeddedProfile, Level = LogLevel.Warning,
        Message = "Embedded profile: functions, invocations and reminders live in memory and are NOT durable; everything is lost when the silo stops. Set ConnectionStrings__Redis=host:port for the durable Redis profile.")]
    private static partial void LogEmbedded(ILogger logger);

    [LoggerMessage(EventId = LogEvents.RedisProfile, Level = LogLevel.Information, Message = "Redis profile: clustering, grain state and reminders are stored in Redis.")]
    private static partial void LogRedis(ILogger logger);
}
