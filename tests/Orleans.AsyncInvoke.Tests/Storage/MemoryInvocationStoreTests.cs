using Orleans.AsyncInvoke.Invocations.Storage;

namespace Orleans.AsyncInvoke.Tests.Storage;

/// <summary>The embedded profile's store.</summary>
[Trait("Category", "Unit")]
public sealed class MemoryInvocationStoreTests : InvocationStoreConformance
{
    protected override IInvocationStore Store { get; } = new MemoryInvocationStore(new MemoryInvocationTable(), CreateSerializer());
}
