using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Testing;

namespace Orleans.AsyncInvoke.Tests.Infrastructure;

/// <summary>The real silo host (embedded profile, HTTP gateway) in process, on its own Orleans ports.</summary>
public sealed class GatewayFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    public InvocationEventLog Events { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("AsyncInvoke:Cluster:SiloPort", FreePort.Next().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("AsyncInvoke:Cluster:GatewayPort", FreePort.Next().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("AsyncInvoke:Cluster:ClusterId", $"gateway-{Guid.NewGuid():N}");
        // The credentials and endpoint functions' AWS SDKs get (AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL).
        builder.UseSetting("AsyncInvoke:Lambda:AccessKeyId", "AKIDFUNCTIONS");
        builder.UseSetting("AsyncInvoke:Lambda:SecretAccessKey", "function-secret");
        builder.UseSetting("AsyncInvoke:Lambda:EndpointUrl", "http://127.0.0.1:4566/");
        // Tests read what a function received back from its invocation's record.
        builder.UseSetting("AsyncInvoke:KeepSucceededPayloads", "true");
        builder.ConfigureServices(services => services.AddSingleton<IInvocationObserver>(Events));
    }

    public async Task InitializeAsync()
    {
        using var client = CreateClient();
        await WaitReadyAsync(client);
    }

    /// <summary>Waits for the in-process host's <c>/readyz</c> (its silo active, its store answering).</summary>
    public static Task WaitReadyAsync(HttpClient client) =>
        Eventually.TrueAsync(async () => (await client.GetAsync(new Uri("/readyz", UriKind.Relative))).IsSuccessStatusCode, "the silo host to be ready", TimeSpan.FromSeconds(30));

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
