using Orleans.AsyncInvoke.Client;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Cluster;

[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class FunctionDefinitionTests(ClusterFixture fixture)
{
    private IAsyncInvoker Invoker => fixture.Invoker;

    [Fact]
    public async Task ConfiguredFunctions_WhenTheSiloStarts_Exist()
    {
        var echo = await Invoker.GetFunctionAsync("echo");

        Assert.NotNull(echo);
        Assert.Equal("dotnet:echo", echo.Target);
        Assert.Equal(TimeSpan.FromSeconds(3), echo.Timeout);
        Assert.Null(echo.ReservedConcurrency);
    }

    [Fact]
    public async Task Create_WhenFollowedByUpdateListAndDelete_RoundTrips()
    {
        var name = $"fn-{Guid.NewGuid():N}";
        var created = await Invoker.CreateFunctionAsync(name, new FunctionDefinitionInput
        {
            Target = "dotnet:echo",
            Timeout = TimeSpan.FromSeconds(10),
            Environment = new Dictionary<string, string> { ["MODE"] = "test" },
        });
        Assert.Equal(TimeSpan.FromSeconds(10), created.Timeout);

        var updated = await Invoker.UpdateFunctionAsync(name, new FunctionDefinitionInput { ReservedConcurrency = 4 });
        Assert.Equal((4, "test", TimeSpan.FromSeconds(10)), (updated.ReservedConcurrency, updated.Environment["MODE"], updated.Timeout));

        var cleared = await Invoker.UpdateFunctionAsync(name, new FunctionDefinitionInput { ClearReservedConcurrency = true });
        Assert.Null(cleared.ReservedConcurrency);

        var names = new List<string>();
        string? marker = null;
        do
        {
            var page = await Invoker.ListFunctionsAsync(marker, maxItems: 2);
            Assert.True(page.Functions.Count <= 2);
            names.AddRange(page.Functions.Select(f => f.Name));
            marker = page.NextMarker;
        }
        while (marker is not null);
        Assert.Contains(name, names);
        Assert.Equal(names.Order(StringComparer.Ordinal), names);

        await Invoker.DeleteFunctionAsync(name);
        Assert.Null(await Invoker.GetFunctionAsync(name));
        Assert.DoesNotContain(name, (await Invoker.ListFunctionsAsync()).Functions.Select(f => f.Name));
        var again = await Assert.ThrowsAsync<AsyncInvokeException>(() => Invoker.DeleteFunctionAsync(name));
        Assert.Equal(ErrorCodes.ResourceNotFound, again.ErrorCode);
    }

    [Fact]
    public async Task Create_WhenTheFunctionExists_IsAConflict()
    {
        var ex = await Assert.ThrowsAsync<AsyncInvokeException>(() => Invoker.CreateFunctionAsync("echo", new FunctionDefinitionInput { Target = "dotnet:echo" }));

        Assert.Equal(ErrorCodes.ResourceConflict, ex.ErrorCode);
    }

    [Theory]
    [InlineData("dotnet:no-such-handler", "No .NET handler named 'no-such-handler' is registered in this runtime.")]
    [InlineData("gopher://x", "Unsupported target 'gopher://x': use dotnet:<handler>, http(s)://<url>, customhandler+http://<host:port> or exec:<command>.")]
    public async Task Create_WhenTheTargetCannotRun_IsRefused(string target, string message)
    {
        var ex = await Assert.ThrowsAsync<AsyncInvokeException>(() => Invoker.CreateFunctionAsync($"bad-{Guid.NewGuid():N}", new FunctionDefinitionInput { Target = target }));

        Assert.Equal((ErrorCodes.InvalidParameterValue, message), (ex.ErrorCode, ex.Message));
    }

    [Theory]
    [InlineData(0, "Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1")]
    [InlineData(901, "Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900")]
    public async Task Create_WhenTheTimeoutIsOutOfRange_IsRefused(int seconds, string violation)
    {
        var ex = await Assert.ThrowsAsync<AsyncInvokeException>(() => Invoker.CreateFunctionAsync($"t-{Guid.NewGuid():N}", new FunctionDefinitionInput { Target = "dotnet:echo", Timeout = TimeSpan.FromSeconds(seconds) }));

        Assert.Equal((ErrorCodes.Validation, $"1 validation error detected: {violation}"), (ex.ErrorCode, ex.Message));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("this-name-is-far-too-long-to-be-a-lambda-function-name-0123456789")]
    public async Task Create_WhenTheNameIsInvalid_IsRefused(string name)
    {
        var ex = await Assert.ThrowsAsync<AsyncInvokeException>(() => Invoker.CreateFunctionAsync(name, new FunctionDefinitionInput { Target = "dotnet:echo" }));

        Assert.Equal(ErrorCodes.Validation, ex.ErrorCode);
        Assert.Contains("functionName", ex.Message, StringComparison.Ordinal);
    }
}
