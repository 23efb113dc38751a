using Orleans.AsyncInvoke.Testing;

namespace Orleans.AsyncInvoke.Tests.Integration;

[Trait("Category", "Integration")]
public sealed class SiloStartupTests
{
    /// <summary>A free port, as a setting's value.</summary>
    private static string Free() => FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Silo_WhenTheConfigurationIsInvalid_ExitsNamingEveryBadKey()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => SiloProcess.StartAsync(FreePort.Next(), new Dictionary<string, string>
        {
            ["AsyncInvoke__TimeCompression"] = "0",
            ["AsyncInvoke__Functions__broken__Timeout"] = "00:30:00",
            ["AsyncInvoke__Cluster__SiloPort"] = Free(),
            ["AsyncInvoke__Cluster__GatewayPort"] = Free(),
        }));

        Assert.Contains("exited with 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("  - AsyncInvoke:TimeCompression must be between 1 and 100000 (was 0).", ex.Message, StringComparison.Ordinal);
        Assert.Contains("  - AsyncInvoke:Functions:broken:Target is required.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("  - AsyncInvoke:Functions:broken:Timeout must be between 00:00:01 and 00:15:00 (was 00:30:00).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_WhenClusterGatewayOrWebhookSettingsAreInvalid_ExitsNamingEveryBadKey()
    {
        var port = Free();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => SiloProcess.StartAsync(FreePort.Next(), new Dictionary<string, string>
        {
            ["AsyncInvoke__Cluster__SiloPort"] = port,
            ["AsyncInvoke__Cluster__GatewayPort"] = port,
            ["AsyncInvoke__Cluster__ServiceId"] = "no spaces allowed",
        }));
        var other = await Assert.ThrowsAsync<InvalidOperationException>(() => SiloProcess.StartAsync(FreePort.Next(), new Dictionary<string, string>
        {
            ["AsyncInvoke__Cluster__SiloPort"] = Free(),
            ["AsyncInvoke__Cluster__GatewayPort"] = Free(),
            ["AsyncInvoke__Gateway__MaxJsonBodyBytes"] = "10",
            ["AsyncInvoke__Webhooks__AllowedHosts__0"] = "https://hooks.example.com:8443/x",
            ["AsyncInvoke__DeliveryConcurrency"] = "0",
        }));

        Assert.Contains("exited with 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"  - AsyncInvoke:Cluster:GatewayPort must differ from SiloPort (both were {port}).", ex.Message, StringComparison.Ordinal);
        Assert.Contains("  - AsyncInvoke:Cluster:ServiceId must be 1-64 letters, digits, '.', '-' or '_' (was 'no spaces allowed').", ex.Message, StringComparison.Ordinal);
        Assert.Contains("exited with 1", other.Message, StringComparison.Ordinal);
        Assert.Contains("  - AsyncInvoke:Gateway:MaxJsonBodyBytes must be between 1024 and 67108864 (was 10).", other.Message, StringComparison.Ordinal);
        Assert.Contains("  - AsyncInvoke:Webhooks:AllowedHosts:0 must be a host name or an IP address, without scheme, port or path (was 'https://hooks.example.com:8443/x').", other.Message, StringComparison.Ordinal);
        Assert.Contains("  - AsyncInvoke:DeliveryConcurrency must be between 1 and 10000 (was 0).", other.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_WhenAValueDoesNotParse_ExitsNamingTheKeyAndTheExpectedType()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => SiloProcess.StartAsync(FreePort.Next(), new Dictionary<string, string>
        {
            ["AsyncInvoke__Retention"] = "bogus",
            ["AsyncInvoke__Cluster__SiloPort"] = Free(),
            ["AsyncInvoke__Cluster__GatewayPort"] = Free(),
        }));
        var cluster = await Assert.ThrowsAsync<InvalidOperationException>(() => SiloProcess.StartAsync(FreePort.Next(), new Dictionary<string, string>
        {
            ["AsyncInvoke__Cluster__SiloPort"] = "abc",
        }));

        Assert.Contains("exited with 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("  - Failed to convert configuration value", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'AsyncInvoke:Retention' to type 'System.TimeSpan'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("exited with 1", cluster.Message, StringComparison.Ordinal);
        Assert.Contains("'AsyncInvoke:Cluster:SiloPort' to type 'System.Int32'", cluster.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_WhenItsGatewayPortIsTaken_ExitsNamingTheKey()
    {
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Any, 0);
        holder.Start();
        var taken = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port;

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => SiloProcess.StartAsync(FreePort.Next(), new Dictionary<string, string>
        {
            ["AsyncInvoke__Cluster__SiloPort"] = Free(),
            ["AsyncInvoke__Cluster__GatewayPort"] = taken.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));

        Assert.Contains("exited with 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"  - AsyncInvoke:Cluster:GatewayPort {taken} is already in use by another process", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_WhenStartedFromAnotherDirectory_ReadsTheSettingsItWasBuiltWith()
    {
        var elsewhere = Directory.CreateTempSubdirectory("asyncinvoke-cwd-").FullName;
        var port = FreePort.Next();
        try
        {
            await using var silo = await SiloProcess.StartAsync(port, new Dictionary<string, string>
            {
                ["AsyncInvoke__Cluster__SiloPort"] = Free(),
                ["AsyncInvoke__Cluster__GatewayPort"] = Free(),
            }, TimeSpan.FromSeconds(60), workingDirectory: elsewhere);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

            var list = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri("/2015-03-31/functions", UriKind.Relative)));

            var names = list.RootElement.GetProperty("Functions").EnumerateArray().Select(f => f.GetProperty("FunctionName").GetString()).ToList();
            Assert.Equal(["echo", "fail", "flaky", "sleep"], names.Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public async Task ConsoleLog_WhenAnAttemptRuns_ShowsTheRequestIdAndFunctionOfEveryLine()
    {
        var port = FreePort.Next();
        await using var silo = await SiloProcess.StartAsync(port, new Dictionary<string, string>
        {
            ["AsyncInvoke__Cluster__SiloPort"] = Free(),
            ["AsyncInvoke__Cluster__GatewayPort"] = Free(),
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/2015-03-31/functions/echo/invocations", UriKind.Relative)) { Content = new StringContent("{}") };
        request.Headers.Add("X-Amz-Invocation-Type", "Event");

        var id = (await http.SendAsync(request)).Headers.GetValues("X-Amzn-RequestId").Single();

        await silo.WaitForLineAsync(id, "ended with Success", $"RequestId:{id} FunctionName:echo").WaitAsync(TimeSpan.FromSeconds(30));
    }
}
