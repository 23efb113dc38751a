using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Destinations.EventBus;
using Orleans.AsyncInvoke.Destinations.Storage;
using Orleans.AsyncInvoke.Destinations.Function;
using Orleans.AsyncInvoke.Destinations.Topic;
using Orleans.AsyncInvoke.Destinations.Queue;
using Orleans.AsyncInvoke.Destinations.Webhook;
using Orleans.AsyncInvoke.Execution;
using Orleans.AsyncInvoke.Execution.Demo;
using Orleans.AsyncInvoke.Execution.Http;
using Orleans.AsyncInvoke.Execution.Lambda;
using Orleans.AsyncInvoke.Execution.Process;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Invocations.Storage;
using Orleans.AsyncInvoke.Scheduling;
using Orleans.AsyncInvoke.Security;
using Microsoft.Extensions.Http;

namespace Orleans.AsyncInvoke.Hosting;

/// <summary>Registers the runtime's engine (grains' services) in a silo.</summary>
public static class AsyncInvokeServiceCollectionExtensions
{
    /// <summary>
    /// Adds the invocation engine, its options (bound from <c>AsyncInvoke</c> and validated at start), the
    /// .NET runtime and the demo handlers <c>echo</c>, <c>fail</c>, <c>flaky</c> and <c>sleep</c>. Safe to call twice.
    /// </summary>
    public static IServiceCollection AddAsyncInvoke(this IServiceCollection services, IConfiguration? configuration = null)
    {
        var optionsBuilder = services.AddOptions<AsyncInvokeOptions>();
        if (configuration is not null)
        {
            optionsBuilder.Bind(configuration.GetSection(AsyncInvokeOptions.SectionName));
            services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.SectionName));
            services.AddOptions<ExecutionOptions>().Bind(configuration.GetSection(ExecutionOptions.SectionName));
            services.AddOptions<LambdaOptions>().Bind(configuration.GetSection(LambdaOptions.SectionName));
        }

        if (services.Any(d => d.ServiceType == typeof(FunctionRunner)))
        {
            return services;
        }

        optionsBuilder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AsyncInvokeOptions>, AsyncInvokeOptionsValidator>());
        services.AddOptions<LambdaOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LambdaOptions>, LambdaOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PlatformClock>();
        services.AddSingleton<RetryPolicy>();
        services.AddSingleton<FunctionArns>();
        services.TryAddSingleton(_ => new VersionRouter());
        services.AddSingleton<FunctionRunner>();
        services.AddSingleton<IFunctionRuntime, DotNetFunctionRuntime>();
        services.AddSingleton<IFunctionRuntime, HttpFunctionRuntime>();
        services.AddSingleton<IFunctionRuntime, CustomHandlerRuntime>();
        services.AddSingleton<IFunctionRuntime, ProcessFunctionRuntime>();
        services.AddSingleton<IFunctionRuntime, LambdaPackageRuntime>();
        services.TryAddSingleton<ICodeStore, MemoryCodeStore>();
        services.AddSingleton<CodeCache>();
        services.AddSingleton<EnvironmentPool>();
        services.AddSingleton<SiloReadiness>();
        services.AddSingleton<IIncomingGrainCallFilter, StoreFailureFilter>();
        services.TryAddSingleton<MemoryInvocationTable>();
        services.TryAddSingleton<IInvocationStore, MemoryInvocationStore>();
        services.AddSingleton<FunctionResolutionCache>();
        services.AddSingleton<InvocationRequestValidation>();
        services.AddSingleton<Invocations.Listing.InvocationLister>();
        services.AddSingleton<InvocationIngress>();
        services.AddSingleton<AttemptExecution>();
        services.AddSingleton<FirstAttempts>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<FirstAttempts>());
        services.AddSingleton<WakeUpPump>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<WakeUpPump>());
        services.AddSingleton<Diagnostics.ActivityTracker>();
        services.AddSingleton<IInvocationObserver>(sp => sp.GetRequiredService<Diagnostics.ActivityTracker>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<Diagnostics.ActivityTracker>());
        services.TryAddSingleton(sp => sp.GetRequiredService<MemoryInvocationTable>().Deliveries);
        services.TryAddSingleton<IDeliveryStore, MemoryDeliveryStore>();
        services.AddSingleton<DeliveryPump>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<DeliveryPump>());
        services.AddSingleton<IDestinationAdapter, QueueAdapter>();
        services.AddSingleton<IDestinationAdapter, FunctionAdapter>();
        services.AddSingleton<IDestinationAdapter, WebhookAdapter>();
        services.AddSingleton<IDestinationAdapter, TopicAdapter>();
        services.AddSingleton<IDestinationAdapter, EventBusAdapter>();
        services.AddSingleton<Destinations.RabbitMq.RabbitMqBrokers>();
        services.AddSingleton<IDestinationAdapter, Destinations.RabbitMq.RabbitMqAdapter>();

        services.AddSingleton<OutboundAddressGuard>();
        // Deliveries are traced and counted by the pump: the client factory's four log lines per request would cost
        // more CPU than the request itself at thousands of records a second.
        services.AddHttpClient(WebhookAdapter.HttpClientName)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundAddressGuard>().CreateHandler());
        // Callbacks are caller-supplied URLs: they pass the same SSRF guard as webhook destinations.
        services.AddHttpClient(Destinations.Callback.CallbackGrain.HttpClientName)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundAddressGuard>().CreateHandler());
        // HTTP function targets (one named client per function) pass it too.
        services.AddSingleton<IConfigureOptions<HttpClientFactoryOptions>, GuardedFunctionClients>();
        services.AddSingleton<ConfiguredFunctionsLoader>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ConfiguredFunctionsLoader>());

        services.AddFunctionHandler<EchoHandler>("echo");
        services.AddFunctionHandler<FailHandler>("fail");
        services.AddFunctionHandler<FlakyHandler>("flaky");
        services.AddFunctionHandler<SleepHandler>("sleep");
        return services;
    }

    /// <summary>Registers an in-process handler for <c>dotnet:<paramref name="handlerName"/></c> targets.</summary>
    public static IServiceCollection AddFunctionHandler<THandler>(this IServiceCollection services, string handlerName)
        where THandler : class, IFunctionHandler
    {
        services.TryAddKeyedSingleton<IFunctionHandler, THandler>(handlerName);
        return services;
    }
}
