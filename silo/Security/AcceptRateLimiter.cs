using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Silo.Gateway;

namespace Orleans.AsyncInvoke.Silo.Security;

/// <summary>
/// The optional accept rate limits of one silo (<c>AsyncInvoke:Gateway:AcceptsPerSecondPerPrincipal</c> and
/// <c>…PerFunction</c>): token buckets refilled every second, a second's worth of burst, no queueing.
/// </summary>
internal sealed class AcceptRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _perPrincipal;
    private readonly PartitionedRateLimiter<string>? _perFunction;

    public AcceptRateLimiter(IOptions<GatewayOptions> options)
    {
        _perPrincipal = Create(options.Value.AcceptsPerSecondPerPrincipal);
        _perFunction = Create(options.Value.AcceptsPerSecondPerFunction);
    }

    /// <summary>Takes one accept from both buckets; false when either is empty.</summary>
    public bool TryAcquire(string principal, string function)
    {
        using var byPrincipal = _perPrincipal?.AttemptAcquire(principal);
        if (byPrincipal is { IsAcquired: false })
        {
            return false;
        }

        using var byFunction = _perFunction?.AttemptAcquire(function);
        return byFunction is not { IsAcquired: false };
    }

    public void Dispose()
    {
        _perPrincipal?.Dispose();
        _perFunction?.Dispose();
    }

    private static PartitionedRateLimiter<string>? Create(int? perSecond) => perSecond is int rate && rate > 0
        ? PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = rate,
            TokensPerPeriod = rate,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }))
        : null;
}
