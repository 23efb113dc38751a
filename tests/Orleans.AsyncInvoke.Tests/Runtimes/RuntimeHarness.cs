using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Destinations.Webhook;
using Orleans.AsyncInvoke.Execution;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Security;

namespace Orleans.AsyncInvoke.Tests.Runtimes;

/// <summary>The real runtimes behind a <see cref="FunctionRunner"/>, on the system clock or on the one a test gives.</summary>
internal sealed class RuntimeHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public RuntimeHarness(int maxResponseBytes = 6 * 1024 * 1024, TimeProvider? time = null)
    {
        Time = time ?? TimeProvider.System;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(Time);
        services.AddAsyncInvoke();
        services.Configure<AsyncInvokeOptions>(o => o.MaxResponseBytes = maxResponseBytes);
        // The runtimes are exercised against servers and programs on this machine.
        services.Configure<WebhookOptions>(o => o.AllowLoopback = true);
        services.Configure<ExecutionOptions>(o => o.AllowLocalPrograms = true);
        _services = services.BuildServiceProvider();
        Runner = _services.GetRequiredService<FunctionRunner>();
    }

    public FunctionRunner Runner { get; }

    /// <summary>The clock the runtimes and their deadlines run on.</summary>
    public TimeProvider Time { get; }

    public static FunctionDefinition Function(string target, double timeoutSeconds = 10, Dictionary<string, string>? environment = null) => new()
    {
        Name = "fn",
        Target = target,
        Timeout = TimeSpan.FromSeconds(timeoutSeconds),
        Environment = environment ?? [],
    };

    public static FunctionContext Context(string payload = "{}", int attempt = 1, string requestId = "req-1", TimeProvider? time = null) => new()
    {
        RequestId = requestId,
        FunctionName = "fn",
        ExecutedVersion = "$LATEST",
        Attempt = attempt,
        Payload = System.Text.Encoding.UTF8.GetBytes(payload),
        Deadline = (time ?? TimeProvider.System).GetUtcNow().AddSeconds(10),
        Environment = new Dictionary<string, string>(),
        TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        Time = time ?? TimeProvider.System,
    };

    public Task<AttemptResult> RunAsync(FunctionDefinition function, FunctionContext? context = null) =>
        Runner.RunAsync(function, context ?? Context(time: Time));

    public void Dispose() => _services.Dispose();
}
