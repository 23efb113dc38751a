using System.Text.Json;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using static Orleans.AsyncInvoke.Tests.Gateway.LambdaHttp;

namespace Orleans.AsyncInvoke.Tests.Gateway;

/// <summary>The execution role comes back as it was sent, as infrastructure tools compare it.</summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "Http")]
public sealed class FunctionRoleTests(GatewayFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    private async Task<string> RoleAsync(string path) =>
        JsonDocument.Parse(await _http.GetStringAsync(new Uri(path, UriKind.Relative))).RootElement.GetProperty("Role").GetString()!;

    [Fact]
    public async Task Role_WhenSentAtCreateAndUpdate_IsReturnedAsSent()
    {
        var name = $"role-{Guid.NewGuid():N}";
        var created = await _http.SendAsync(Request(HttpMethod.Post, "/2015-03-31/functions",
            $$$"""{"FunctionName":"{{{name}}}","Role":"arn:aws:iam::123456789012:role/service-role/my-exec","PackageType":"Image","Code":{"ImageUri":"dotnet:echo"}}"""));
        created.EnsureSuccessStatusCode();

        Assert.Equal("arn:aws:iam::123456789012:role/service-role/my-exec", JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("Role").GetString());
        Assert.Equal("arn:aws:iam::123456789012:role/service-role/my-exec", await RoleAsync($"/2015-03-31/functions/{name}/configuration"));

        (await _http.SendAsync(Request(HttpMethod.Put, $"/2015-03-31/functions/{name}/configuration", """{"Role":"arn:aws:iam::123456789012:role/other"}"""))).EnsureSuccessStatusCode();
        (await _http.SendAsync(Request(HttpMethod.Put, $"/2015-03-31/functions/{name}/configuration", """{"Description":"kept role"}"""))).EnsureSuccessStatusCode();

        Assert.Equal("arn:aws:iam::123456789012:role/other", await RoleAsync($"/2015-03-31/functions/{name}/configuration"));
    }
}
