using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Orleans.AsyncInvoke.Client;

/// <summary>Where the client SDK finds the cluster (<c>AsyncInvoke:Client</c>).</summary>
public sealed class AsyncInvokeClientOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AsyncInvoke:Client";

    /// <summary>The silos' Orleans gateways, <c>host:port</c>. Default <c>127.0.0.1:30000</c> (a silo on this machine).</summary>
    public List<string> Gateways { get; set; } = [];

    /// <summary>The cluster id the silos run with (<c>AsyncInvoke:Cluster:ClusterId</c>). Default <c>asyncinvoke</c>.</summary>
    public string ClusterId { get; set; } = "asyncinvoke";

    /// <summary>The silos' service id (<c>AsyncInvoke:Cluster:ServiceId</c>). Default <c>asyncinvoke</c>.</summary>
    public string ServiceId { get; set; } = "asyncinvoke";

    /// <summary>Mutual TLS, when the silos require it.</summary>
    public ClusterTlsOptions Tls { get; set; } = new();
}

/// <summary>Connects a host to an Orleans.AsyncInvoke cluster and registers the SDK, in one call.</summary>
public static class AsyncInvokeClientHostingExtensions
{
    /// <summary>
    /// Runs an Orleans client connected to the silos' gateways with the cluster's ids, and registers
    /// <see cref="IAsyncInvoker"/>. Settings come from <c>AsyncInvoke:Client</c>, then <paramref name="configure"/>;
    /// with neither, a silo on this machine with the default ids.
    /// </summary>
    public static IHostApplicationBuilder AddAsyncInvokeClient(this IHostApplicationBuilder builder, Action<AsyncInvokeClientOptions>? configure = null)
    {
        var options = builder.Configuration.GetSection(AsyncInvokeClientOptions.SectionName).Get<AsyncInvokeClientOptions>() ?? new AsyncInvokeClientOptions();
        configure?.Invoke(options);
        var gateways = (options.Gateways.Count == 0 ? ["127.0.0.1:30000"] : options.Gateways).Select(ParseGateway).ToArray();
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(gateways)
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = options.ClusterId;
                    o.ServiceId = options.ServiceId;
                });
            if (options.Tls.Enabled)
            {
                client.UseAsyncInvokeTls(options.Tls);
            }
        });
        builder.Services.AddAsyncInvokeClient();
        return builder;
    }

    private static IPEndPoint ParseGateway(string gateway)
    {
        if (IPEndPoint.TryParse(gateway, out var endpoint) && endpoint.Port != 0)
        {
            return endpoint;
        }

        var colon = gateway.LastIndexOf(':');
        if (colon > 0 && int.TryParse(gateway[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            && Dns.GetHostAddresses(gateway[..colon]) is [var address, ..])
        {
            return new IPEndPoint(address, port);
        }

        throw new ArgumentException($"{AsyncInvokeClientOptions.SectionName}:Gateways must hold host:port entries (was '{gateway}').", nameof(gateway));
    }
}
