using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Orleans.AsyncInvoke.Tests.Infrastructure;

/// <summary>The Orleans serializer as the silo configures it, for stores built by hand in tests.</summary>
public static class TestSerializers
{
    private static readonly IServiceProvider Services = new ServiceCollection()
        .AddSerializer(b => b
            .AddAssembly(typeof(Orleans.AsyncInvoke.Invocations.InvocationState).Assembly)
            .AddAssembly(typeof(Orleans.AsyncInvoke.Destinations.DestinationMessage).Assembly))
        .BuildServiceProvider();

    public static Serializer<T> Create<T>() => Services.GetRequiredService<Serializer<T>>();
}
