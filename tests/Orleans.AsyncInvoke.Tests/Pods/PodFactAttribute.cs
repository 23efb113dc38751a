namespace Orleans.AsyncInvoke.Tests.Pods;

/// <summary>
/// A pod-tier test: skipped, and reported as skipped, where the machine cannot make network namespaces (not root, no
/// iproute2, no kubectl to render the manifests).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PodFactAttribute : FactAttribute
{
    public PodFactAttribute()
    {
        if (PodTierFixture.Unavailable is { } reason)
        {
            Skip = $"Pod tier skipped: {reason}.";
        }
    }
}
