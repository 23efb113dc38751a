using Orleans.AsyncInvoke.Testing;

namespace Orleans.AsyncInvoke.Tests.Integration;

[Trait("Category", "Integration")]
public sealed class SiloStartupTests
{
    [Fact]
    public async Task Silo_WithInvalidConfiguration_ExitsNamingEveryBadKey()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => SiloProcess.StartAsync(FreePort.Next(), new Dictionary<string, string>
        {
            ["AsyncInvoke__TimeCompression"] = "0",
            ["AsyncInvoke__Functions__broken__Timeout"] = "00:30:00",
            ["AsyncInvoke__Cluster__SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AsyncInvoke__Cluster__GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));

        Assert.Contains("exited with 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("  - AsyncInvoke:TimeCompression must be between 1 and 100000 (was 0).", ex.Message, StringComparison.Ordinal);
        Assert.Contains("  - AsyncInvoke:Functions:broken:Target is required.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("  - AsyncInvoke:Functions:broken:Timeout must be between 00:00:01 and 00:15:00 (was 00:30:00).", ex.Message, StringComparison.Ordinal);
    }
}
