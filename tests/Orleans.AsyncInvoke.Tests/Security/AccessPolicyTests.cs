using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.AsyncInvoke.Silo.Security;

namespace Orleans.AsyncInvoke.Tests.Security;

/// <summary>The permission table covers the routes the silo really maps.</summary>
[Collection(SecureGatewayCollection.Name)]
[Trait("Category", "Http")]
public sealed class AccessPolicyTests(SecureGatewayFixture fixture)
{
    [Fact]
    public void Find_ForEveryMappedRoute_HasARule()
    {
        var routes = fixture.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Pattern: e.RoutePattern.RawText ?? "")))
            .ToList();

        var missing = routes.Where(r => AccessPolicy.Find(r.Method, r.Pattern) is null).Select(r => $"{r.Method} {r.Pattern}").ToList();

        Assert.True(routes.Count > 40, $"Expected the gateway's routes, found {routes.Count}.");
        Assert.True(missing.Count == 0, $"Routes without an access rule (they would need admin): {string.Join(", ", missing)}");
    }
}
