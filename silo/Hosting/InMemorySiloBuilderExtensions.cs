using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Invocations.Storage;

namespace Orleans.AsyncInvoke.Silo.Hosting;

/// <summary>The in-memory set-up shared by the embedded profile and the test cluster.</summary>
public static class InMemorySiloBuilderExtensions
{
    /// <summary>
    /// Grain state, reminders, invocations and deliveries in this process's memory: nothing survives it. Silos of one
    /// process that share a <see cref="MemoryInvocationTable"/> (registered before this) share invocations and deliveries.
    /// </summary>
    public static ISiloBuilder UseAsyncInvokeInMemory(this ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(StorageNames.Functions);
        silo.AddMemoryGrainStorage(StorageNames.Invocations);
        silo.UseInMemoryReminderService();
        silo.Services.TryAddSingleton<MemoryInvocationTable>();
        silo.Services.AddSingleton<IInvocationStore, MemoryInvocationStore>();
        return silo;
    }
}
