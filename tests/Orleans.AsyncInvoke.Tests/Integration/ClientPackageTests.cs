using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Xml.Linq;
using Orleans.AsyncInvoke.Testing;

namespace Orleans.AsyncInvoke.Tests.Integration;

/// <summary>The client SDK as a user gets it: the NuGet package, and the sample that connects as the README shows.</summary>
[Trait("Category", "Integration")]
public sealed class ClientPackageTests
{
    private static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepositoryLayout.Root };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish:\n{await output}{await error}");
        }

        return (process.ExitCode, await output + await error);
    }

    [Fact]
    public async Task Sample_WhenRunAgainstASilo_ConnectsAsTheReadmeShowsAndFollowsAnEvent()
    {
        var gateway = FreePort.Next();
        await using var silo = await SiloProcess.StartAsync(FreePort.Next(), new Dictionary<string, string>
        {
            ["AsyncInvoke__Cluster__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["AsyncInvoke__Cluster__GatewayPort"] = gateway.ToString(CultureInfo.InvariantCulture),
        });

        var (exitCode, output) = await RunAsync("dotnet", [Path.Combine(RepositoryLayout.Output("samples/client-quickstart"), "ClientQuickstart.dll")],
            new Dictionary<string, string> { ["AsyncInvoke__Client__Gateways__0"] = $"127.0.0.1:{gateway}", ["Logging__LogLevel__Default"] = "Warning" });

        Assert.True(exitCode == 0, output);
        Assert.Contains("""echo answered: {"hello":"sdk"}""", output, StringComparison.Ordinal);
        Assert.Contains("flaky ended: Succeeded after 1 attempt(s), condition Success", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pack_WhenRun_GivesTheClientPackageWithItsReadmeAndDependencies()
    {
        var output = Path.Combine(Path.GetTempPath(), $"asyncinvoke-pack-{Guid.NewGuid():N}");
        try
        {
            var (exitCode, log) = await RunAsync("dotnet", ["pack", "client/Orleans.AsyncInvoke.Client.csproj", "-c", RepositoryLayout.Configuration, "--no-build", "-o", output]);
            Assert.True(exitCode == 0, log);

            var package = Assert.Single(Directory.GetFiles(output, "Orleans.AsyncInvoke.Client.*.nupkg"));
            using var zip = ZipFile.OpenRead(package);
            Assert.Contains(zip.Entries, e => e.FullName == "README.md");
            Assert.Contains(zip.Entries, e => e.FullName == $"lib/{RepositoryLayout.Framework}/Orleans.AsyncInvoke.Client.dll");
            using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
            var dependencies = XDocument.Parse(await nuspec.ReadToEndAsync()).Descendants().Where(e => e.Name.LocalName == "dependency")
                .Select(e => e.Attribute("id")!.Value).ToList();
            Assert.Contains("Orleans.AsyncInvoke.Abstractions", dependencies);
            Assert.Contains("Orleans.AsyncInvoke.Batching", dependencies);
            Assert.Contains("Microsoft.Orleans.Client", dependencies);
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }
}
