using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Orleans.AsyncInvoke.Client;

/// <summary>Adds the client SDK to a host that runs an Orleans client (<c>UseOrleansClient</c>).</summary>
public static class AsyncInvokeClientServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IAsyncInvoker"/> over the host's <see cref="IClusterClient"/>. Safe to call twice.</summary>
    public static IServiceCollection AddAsyncInvokeClient(this IServiceCollection services)
    {
        services.TryAddSingleton<IAsyncInvoker>(sp => new AsyncInvoker(
            sp.GetRequiredService<IClusterClient>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return services;
    }
}
