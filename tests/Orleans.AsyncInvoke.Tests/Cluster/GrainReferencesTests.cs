using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Cluster;

[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class GrainReferencesTests(ClusterFixture fixture)
{
    [Theory]
    [InlineData("echo")]
    [InlineData("name/with:odd chars é")]
    public async Task Get_NamesTheSameGrainAsGetGrainAndCallsIt(string key)
    {
        var functions = new GrainReferences<IFunctionGrain>(fixture.Cluster.Client);

        var reference = functions.Get(key);

        Assert.Equal(fixture.Cluster.Client.GetGrain<IFunctionGrain>(key).GetGrainId(), reference.GetGrainId());
        Assert.Equal(fixture.Cluster.Client.GetGrain<IInvocationGrain>(key).GetGrainId(), new GrainReferences<IInvocationGrain>(fixture.Cluster.Client).Get(key).GetGrainId());
        if (key == "echo")
        {
            Assert.Equal("echo", (await reference.ResolveAsync(null)).Definition.Name);
        }
    }
}
