using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.AsyncInvoke.Testing;

namespace Orleans.AsyncInvoke.Tests.Infrastructure;

/// <summary>
/// The real silo host (embedded profile) behind real Kestrel on a free port: the same HTTP parser, header limits and
/// body streams as production traffic, for requests the in-memory test server cannot carry (malformed HTTP, and the
/// fuzz). Logs below Warning are dropped to keep thousands of requests cheap; errors are kept for the test to read.
/// </summary>
public sealed class KestrelGatewayHost : WebApplicationFactory<Program>, IAsyncLifetime
{
    public KestrelGatewayHost() => UseKestrel(0);

    public const string EndpointHeaderName = "X-Fuzz-Endpoint";

    public ErrorLog Errors { get; } = new();

    public Uri Address { get; private set; } = null!;

    /// <summary>Starts Kestrel and waits until the silo is ready.</summary>
    public async Task InitializeAsync()
    {
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Address = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        using var client = new HttpClient { BaseAddress = Address };
        await Eventually.ReachAsync(async () => (await client.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode,
            status => status == System.Net.HttpStatusCode.OK, "the silo behind Kestrel to be ready");
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("AsyncInvoke:Cluster:SiloPort", FreePort.Next().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("AsyncInvoke:Cluster:GatewayPort", FreePort.Next().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("AsyncInvoke:Cluster:ClusterId", $"kestrel-{Guid.NewGuid():N}");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Orleans.AsyncInvoke", "Warning");
        builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(Errors));
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, EndpointHeader>());
    }

    /// <summary>
    /// Tells the test which endpoint answered (header <see cref="EndpointHeaderName"/>, empty when none did): only an
    /// endpoint knows its surface's error format; Kestrel's refusals of malformed HTTP never reach one.
    /// </summary>
    private sealed class EndpointHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers[EndpointHeaderName] = context.GetEndpoint() is RouteEndpoint endpoint ? "/" + endpoint.RoutePattern.RawText?.TrimStart('/') : "";
                    return Task.CompletedTask;
                });
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    /// <summary>Keeps every error logged by the host: an unexpected failure the responses alone might hide.</summary>
    public sealed class ErrorLog : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _entries = new();

        public IReadOnlyCollection<string> Entries => _entries;

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel) && entries.Count < 1000)
                {
                    entries.Enqueue($"{logLevel} {category} [{eventId.Id}] {formatter(state, exception)}{(exception is null ? "" : $" — {exception}")}");
                }
            }
        }
    }
}
