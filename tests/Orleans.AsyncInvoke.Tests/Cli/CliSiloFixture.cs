using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.AsyncInvoke.Testing;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Cli;

/// <summary>
/// The real silo host (embedded profile) behind Kestrel on a free port with authentication on, for the
/// <c>asyncinvoke</c> process to reach: an admin API key and an admin SigV4 credential.
/// </summary>
public sealed class CliSiloFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string ApiKey = "ak-cli-admin-6e1f03b9d2";
    public const string AccessKeyId = "AKIACLIADMIN00000001";
    public const string SecretAccessKey = "cli-secret-0c94e7a1b5f2";

    public CliSiloFixture() => UseKestrel(0);

    public Uri Address { get; private set; } = null!;

    /// <summary>A client of the gateway with the admin key, for the tests' own setup and awaited conditions.</summary>
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Address = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        Http = new HttpClient { BaseAddress = Address };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        await Eventually.ReachAsync(async () => (await Http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode,
            status => status == System.Net.HttpStatusCode.OK, "the silo behind Kestrel to be ready", TimeSpan.FromSeconds(30));
    }

    /// <summary>Runs <c>asyncinvoke</c> with the admin API key against this silo.</summary>
    public Task<CliResult> RunAsync(params string[] args) =>
        CliProcess.RunAsync(new Dictionary<string, string?> { ["ASYNCINVOKE_URL"] = Address.ToString(), ["ASYNCINVOKE_API_KEY"] = ApiKey }, null, args);

    /// <summary>Creates a function of its own for a test (an image function with a demo target).</summary>
    public async Task<string> CreateFunctionAsync(string prefix, string target = "dotnet:echo", string? deadLetterTarget = null)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}";
        var dlq = deadLetterTarget is null ? "" : $$""","DeadLetterConfig":{"TargetArn":"{{deadLetterTarget}}"}""";
        using var response = await Http.PostAsync(new Uri("/2015-03-31/functions", UriKind.Relative), new StringContent(
            $$"""{"FunctionName":"{{name}}","Role":"arn:aws:iam::000000000000:role/any","PackageType":"Image","Code":{"ImageUri":"{{target}}"}{{dlq}}}""",
            System.Text.Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, $"CreateFunction {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return name;
    }

    /// <summary>Reads an invocation's status until <paramref name="reached"/> holds.</summary>
    public Task<JsonElement> WaitForStatusAsync(string requestId, Func<JsonElement, bool> reached, string what) =>
        Eventually.ReachAsync(async () =>
        {
            using var response = await Http.GetAsync(new Uri($"/invocations/{requestId}", UriKind.Relative));
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }, reached, what, TimeSpan.FromSeconds(30));

    public static bool Is(JsonElement status, string phase) =>
        status.TryGetProperty("status", out var value) && value.GetString() == phase;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("AsyncInvoke:Cluster:SiloPort", FreePort.Next().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("AsyncInvoke:Cluster:GatewayPort", FreePort.Next().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("AsyncInvoke:Cluster:ClusterId", $"cli-{Guid.NewGuid():N}");
        builder.UseSetting("AsyncInvoke:Auth:ApiKeys:cli:Key", ApiKey);
        builder.UseSetting($"AsyncInvoke:Auth:Credentials:{AccessKeyId}:Secret", SecretAccessKey);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Orleans.AsyncInvoke", "Warning");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        Http?.Dispose();
        await DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class CliSiloCollection : ICollectionFixture<CliSiloFixture>
{
    public const string Name = "cli-silo";
}
