using Microsoft.Extensions.Options;

namespace Orleans.AsyncInvoke.Silo.Hosting;

/// <summary>Registers the bounded, readiness-first shutdown and the pod's HTTP listener.</summary>
internal static class ShutdownHosting
{
    public static WebApplicationBuilder AddAsyncInvokeShutdown(this WebApplicationBuilder builder)
    {
        var kubernetes = KubernetesProfile.IsSelected(builder.Configuration);
        if (kubernetes)
        {
            KubernetesProfile.UsePodHttp(builder);
        }

        builder.Services.AddOptions<ShutdownOptions>()
            .Configure(o => o.ReadinessDelay = kubernetes ? TimeSpan.FromSeconds(5) : TimeSpan.Zero)
            .Bind(builder.Configuration.GetSection(ShutdownOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ShutdownOptions>, ShutdownOptionsValidator>();
        // The host cancels every stop (Orleans' included) when the drain is over; the watchdog exits soon after.
        builder.Services.AddOptions<HostOptions>()
            .Configure<IOptions<ShutdownOptions>>((host, shutdown) => host.ShutdownTimeout = shutdown.Value.ReadinessDelay + shutdown.Value.DrainTimeout);
        builder.Services.AddHostedService<GracefulShutdown>();
        return builder;
    }
}
