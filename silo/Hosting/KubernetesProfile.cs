using System.Net;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Orleans.AsyncInvoke.Silo.Hosting;

/// <summary>
/// The kubernetes profile: the Redis profile with the pod's identity from the downward API. Selected by
/// <c>AsyncInvoke:Cluster:Profile=kubernetes</c> (the manifests' ConfigMap sets it), never guessed from the pod's
/// variables, so that a silo started by hand in a pod keeps the profile it was given.
/// </summary>
public static partial class KubernetesProfile
{
    /// <summary>The profile's name, as <c>AsyncInvoke:Cluster:Profile</c> takes it.</summary>
    public const string Name = "kubernetes";

    /// <summary>The key that selects a profile explicitly.</summary>
    public const string ProfileKey = ClusterHostingOptions.SectionName + ":Profile";

    /// <summary>The pod's IP (downward API <c>status.podIP</c>): the address the silo advertises.</summary>
    public const string PodIpVariable = "POD_IP";

    /// <summary>The pod's name (downward API <c>metadata.name</c>): the silo's name.</summary>
    public const string PodNameVariable = "POD_NAME";

    /// <summary>The HTTP port the gateway listens on in a pod, on every address. Default 8080.</summary>
    public const string HttpPortKey = ClusterHostingOptions.SectionName + ":HttpPort";

    /// <summary>Whether the configuration selects this profile.</summary>
    public static bool IsSelected(IConfiguration configuration) =>
        string.Equals(configuration[ProfileKey]?.Trim(), Name, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Checks what a pod must be given and takes the pod's identity into <paramref name="cluster"/>: the pod IP is the
    /// advertised address (never a Service IP: silos and clients must reach this very pod). Throws
    /// <see cref="OptionsValidationException"/> naming every missing or bad value.
    /// </summary>
    internal static void ApplyPodIdentity(ClusterHostingOptions cluster, IConfiguration configuration)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString(SiloProfiles.RedisConnectionName)))
        {
            failures.Add($"ConnectionStrings:{SiloProfiles.RedisConnectionName} is required in the {Name} profile (the manifests take it from the Secret asyncinvoke-redis).");
        }

        var podIp = configuration[PodIpVariable];
        if (!IPAddress.TryParse(podIp, out _))
        {
            failures.Add($"{PodIpVariable} must be the pod's IP address from the downward API (fieldRef status.podIP) in the {Name} profile (was '{podIp}').");
        }

        var podName = configuration[PodNameVariable];
        if (string.IsNullOrWhiteSpace(podName))
        {
            failures.Add($"{PodNameVariable} must be the pod's name from the downward API (fieldRef metadata.name) in the {Name} profile.");
        }

        if (!int.TryParse(configuration[HttpPortKey] ?? "8080", System.Globalization.CultureInfo.InvariantCulture, out var httpPort) || httpPort is < 1 or > 65535)
        {
            failures.Add($"{HttpPortKey} must be a port between 1 and 65535 (was '{configuration[HttpPortKey]}').");
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(ClusterHostingOptions.SectionName, typeof(ClusterHostingOptions), failures);
        }

        cluster.AdvertisedAddress = podIp!;
    }

    /// <summary>The silo's name is the pod's, so logs, membership and the dashboard name pods as kubectl does.</summary>
    internal static ISiloBuilder UsePodName(this ISiloBuilder silo, IConfiguration configuration)
    {
        var podName = configuration[PodNameVariable]!;
        silo.Configure<SiloOptions>(o => o.SiloName = podName);
        return silo;
    }

    /// <summary>
    /// In a pod the gateway listens on every address of the pod's network namespace (the pod IP and loopback) on
    /// <c>AsyncInvoke:Cluster:HttpPort</c>, whatever <c>Urls</c> appsettings.json names for a developer's machine.
    /// </summary>
    internal static void UsePodHttp(WebApplicationBuilder builder)
    {
        var port = builder.Configuration[HttpPortKey] ?? "8080";
        builder.WebHost.UseUrls($"http://0.0.0.0:{port}");
    }

    /// <summary>Says that the kubernetes profile runs, as which pod and on which address.</summary>
    internal static void LogSelected(ILogger logger, IConfiguration configuration) =>
        LogKubernetes(logger, configuration[PodNameVariable] ?? "?", configuration[PodIpVariable] ?? "?");

    [LoggerMessage(EventId = LogEvents.KubernetesProfile, Level = LogLevel.Information,
        Message = "Kubernetes profile: silo {PodName} advertises its pod IP {PodIp}; clustering, grain state and reminders are stored in Redis.")]
    private static partial void LogKubernetes(ILogger logger, string podName, string podIp);
}
