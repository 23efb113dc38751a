using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Destinations.Webhook;
using Orleans.AsyncInvoke.Silo.Gateway;

namespace Orleans.AsyncInvoke.Silo.Hosting;

/// <summary>Checks <see cref="GatewayOptions"/> at start and reports every bad key at once.</summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        if (options.MaxJsonBodyBytes is < 1024 or > 64 * 1024 * 1024)
        {
            failures.Add($"{GatewayOptions.SectionName}:{nameof(options.MaxJsonBodyBytes)} must be between 1024 and 67108864 (was {options.MaxJsonBodyBytes}).");
        }

        if (options.MaxInvokeAsyncPayloadBytes is < 1 or > 6 * 1024 * 1024)
        {
            failures.Add($"{GatewayOptions.SectionName}:{nameof(options.MaxInvokeAsyncPayloadBytes)} must be between 1 and 6291456 (was {options.MaxInvokeAsyncPayloadBytes}).");
        }

        foreach (var (key, rate) in new[] { (nameof(options.AcceptsPerSecondPerPrincipal), options.AcceptsPerSecondPerPrincipal), (nameof(options.AcceptsPerSecondPerFunction), options.AcceptsPerSecondPerFunction) })
        {
            if (rate is < 1)
            {
                failures.Add($"{GatewayOptions.SectionName}:{key} must be at least 1 accept per second, or unset for no limit (was {rate}).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Checks <see cref="WebhookOptions"/> at start: allowed hosts are host names or addresses, nothing more.</summary>
internal sealed partial class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var failures = options.AllowedHosts
            .Select((host, i) => (host, i))
            .Where(h => string.IsNullOrWhiteSpace(h.host) || !(IPAddress.TryParse(h.host, out _) || HostName().IsMatch(h.host)))
            .Select(h => $"{WebhookOptions.SectionName}:AllowedHosts:{h.i} must be a host name or an IP address, without scheme, port or path (was '{h.host}').")
            .ToList();
        failures.AddRange(options.AllowedNetworks
            .Select((network, i) => (network, i))
            .Where(n => !IPNetwork.TryParse(n.network ?? "", out _))
            .Select(n => $"{WebhookOptions.SectionName}:AllowedNetworks:{n.i} must be a network in CIDR notation, e.g. 10.20.0.0/16 (was '{n.network}')."));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex(@"^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex HostName();
}

/// <summary>Checks <see cref="ClusterHostingOptions"/>, which are read before the host is built.</summary>
internal static partial class ClusterHostingOptionsValidator
{
    /// <summary>Throws <see cref="OptionsValidationException"/> naming every bad key.</summary>
    public static void ThrowIfInvalid(ClusterHostingOptions options)
    {
        var prefix = ClusterHostingOptions.SectionName;
        var failures = new List<string>();
        foreach (var (key, value) in new[] { (nameof(options.ClusterId), options.ClusterId), (nameof(options.ServiceId), options.ServiceId) })
        {
            if (string.IsNullOrEmpty(value) || !Identifier().IsMatch(value))
            {
                failures.Add($"{prefix}:{key} must be 1-64 letters, digits, '.', '-' or '_' (was '{value}').");
            }
        }

        foreach (var (key, port) in new[] { (nameof(options.SiloPort), options.SiloPort), (nameof(options.GatewayPort), options.GatewayPort) })
        {
            if (port is < 1 or > 65535)
            {
                failures.Add($"{prefix}:{key} must be a port between 1 and 65535 (was {port}).");
            }
        }

        if (options.SiloPort == options.GatewayPort)
        {
            failures.Add($"{prefix}:GatewayPort must differ from SiloPort (both were {options.SiloPort}).");
        }

        if (!IPAddress.TryParse(options.AdvertisedAddress, out _))
        {
            failures.Add($"{prefix}:AdvertisedAddress must be an IP address (was '{options.AdvertisedAddress}').");
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(prefix, typeof(ClusterHostingOptions), failures);
        }
    }

    /// <summary>
    /// Throws <see cref="OptionsValidationException"/> naming the key of every port another process already holds: two
    /// silos on one machine must not share the silo or gateway port without a word.
    /// </summary>
    public static void ThrowIfPortsTaken(ClusterHostingOptions options)
    {
        var failures = new List<string>();
        foreach (var (key, port) in new[] { (nameof(options.SiloPort), options.SiloPort), (nameof(options.GatewayPort), options.GatewayPort) })
        {
            // SO_REUSEADDR: connections of a silo killed a moment ago (TIME_WAIT) do not count, a listener does.
            var probe = new System.Net.Sockets.TcpListener(IPAddress.Any, port);
            probe.Server.SetSocketOption(System.Net.Sockets.SocketOptionLevel.Socket, System.Net.Sockets.SocketOptionName.ReuseAddress, true);
            try
            {
                probe.Start();
            }
            catch (System.Net.Sockets.SocketException ex) when (ex.SocketErrorCode is System.Net.Sockets.SocketError.AddressAlreadyInUse or System.Net.Sockets.SocketError.AccessDenied)
            {
                failures.Add($"{ClusterHostingOptions.SectionName}:{key} {port} is already in use by another process (another silo?): choose a free port.");
            }
            finally
            {
                probe.Stop();
            }
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(ClusterHostingOptions.SectionName, typeof(ClusterHostingOptions), failures);
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9._-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}
