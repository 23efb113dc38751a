using Orleans.AsyncInvoke.Testing;

namespace Orleans.AsyncInvoke.Tests.Integration;

/// <summary>The silo executable in the kubernetes profile without what a pod must give it.</summary>
[Trait("Category", "Integration")]
public sealed class KubernetesProfileTests
{
    [Fact]
    public async Task Silo_WhenTheKubernetesProfileLacksThePodsIdentity_ExitsNamingEveryMissingValue()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => SiloProcess.StartAsync(FreePort.Next(), new Dictionary<string, string>
        {
            ["AsyncInvoke__Cluster__Profile"] = "kubernetes",
            ["POD_IP"] = "not-an-address",
        }));

        Assert.Contains("exited with 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("  - ConnectionStrings:Redis is required in the kubernetes profile", ex.Message, StringComparison.Ordinal);
        Assert.Contains("  - POD_IP must be the pod's IP address from the downward API (fieldRef status.podIP) in the kubernetes profile (was 'not-an-address').", ex.Message, StringComparison.Ordinal);
        Assert.Contains("  - POD_NAME must be the pod's name from the downward API (fieldRef metadata.name) in the kubernetes profile.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_WhenAShutdownSettingIsOutOfRange_ExitsNamingTheKey()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => SiloProcess.StartAsync(FreePort.Next(), new Dictionary<string, string>
        {
            ["AsyncInvoke__Cluster__SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AsyncInvoke__Cluster__GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AsyncInvoke__Shutdown__DrainTimeout"] = "00:00:00",
            ["AsyncInvoke__Shutdown__ReadinessDelay"] = "00:10:00",
        }));

        Assert.Contains("exited with 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("  - AsyncInvoke:Shutdown:DrainTimeout must be between 00:00:01 and 00:10:00 (was 00:00:00).", ex.Message, StringComparison.Ordinal);
        Assert.Contains("  - AsyncInvoke:Shutdown:ReadinessDelay must be between 00:00:00 and 00:05:00 (was 00:10:00).", ex.Message, StringComparison.Ordinal);
    }
}
