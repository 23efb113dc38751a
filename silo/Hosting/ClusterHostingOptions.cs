using System.Net;

namespace Orleans.AsyncInvoke.Silo.Hosting;

/// <summary>How the silo joins its cluster (<c>AsyncInvoke:Cluster</c>).</summary>
public sealed class ClusterHostingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AsyncInvoke:Cluster";

    /// <summary>Cluster id: silos with the same id form one cluster. Default <c>asyncinvoke</c>.</summary>
    public string ClusterId { get; set; } = "asyncinvoke";

    /// <summary>Service id: part of every storage key, keep it stable across deployments. Default <c>asyncinvoke</c>.</summary>
    public string ServiceId { get; set; } = "asyncinvoke";

    /// <summary>Silo-to-silo port. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port Orleans clients connect to. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients reach this silo on (Redis profile). Default 127.0.0.1.</summary>
    public string AdvertisedAddress { get; set; } = IPAddress.Loopback.ToString();
}
