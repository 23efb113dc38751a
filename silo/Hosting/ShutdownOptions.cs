using Microsoft.Extensions.Options;

namespace Orleans.AsyncInvoke.Silo.Hosting;

/// <summary>How the silo stops on SIGTERM (<c>AsyncInvoke:Shutdown</c>).</summary>
public sealed class ShutdownOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AsyncInvoke:Shutdown";

    /// <summary>
    /// How long the silo keeps serving after its readiness fails, so that load balancers (a Service's endpoints) stop
    /// sending it new requests before it stops taking them. Default 0; 5 s in the kubernetes profile.
    /// </summary>
    public TimeSpan ReadinessDelay { get; set; }

    /// <summary>
    /// How long attempts in flight and the silo's graceful leave of the cluster may take after that. Past it the silo
    /// stops without waiting (what it had acknowledged is in the store and another silo runs it). Default 20 s.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Time past <see cref="ReadinessDelay"/> + <see cref="DrainTimeout"/> after which the process exits whatever still runs.</summary>
    internal static readonly TimeSpan ExitMargin = TimeSpan.FromSeconds(3);

    /// <summary>The longest a stop takes, from SIGTERM to exit: keep the pod's grace period above it.</summary>
    public TimeSpan Bound => ReadinessDelay + DrainTimeout + ExitMargin;
}

/// <summary>Checks <see cref="ShutdownOptions"/> at start and reports every bad key at once.</summary>
internal sealed class ShutdownOptionsValidator : IValidateOptions<ShutdownOptions>
{
    public ValidateOptionsResult Validate(string? name, ShutdownOptions options)
    {
        var failures = new List<string>();
        if (options.ReadinessDelay < TimeSpan.Zero || options.ReadinessDelay > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{ShutdownOptions.SectionName}:{nameof(options.ReadinessDelay)} must be between 00:00:00 and 00:05:00 (was {options.ReadinessDelay}).");
        }

        if (options.DrainTimeout < TimeSpan.FromSeconds(1) || options.DrainTimeout > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{ShutdownOptions.SectionName}:{nameof(options.DrainTimeout)} must be between 00:00:01 and 00:10:00 (was {options.DrainTimeout}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
