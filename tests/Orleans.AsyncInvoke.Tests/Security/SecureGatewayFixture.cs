using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Orleans.AsyncInvoke.Silo.Security;
using Orleans.AsyncInvoke.Testing;

namespace Orleans.AsyncInvoke.Tests.Security;

/// <summary>The real silo host with credentials and API keys of every role, and accept rate limits.</summary>
public sealed class SecureGatewayFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminKeyId = "AKIAADMIN0000000001";
    public const string AdminSecret = "admin-secret-4f1c9a";
    public const string ReadKeyId = "AKIAREAD00000000001";
    public const string ReadSecret = "read-secret-77b2e0";
    public const string AdminApiKey = "ak-admin-2b7f0c1e9d";
    public const string InvokeApiKey = "ak-invoke-5d3a8c2f";
    public const string ReadApiKey = "ak-read-91e4b6d0";
    public const string BurstApiKey = "ak-burst-0c6f2a7e";
    public const int PerPrincipalRate = 20;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("AsyncInvoke:Cluster:SiloPort", FreePort.Next().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("AsyncInvoke:Cluster:GatewayPort", FreePort.Next().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("AsyncInvoke:Cluster:ClusterId", $"secure-{Guid.NewGuid():N}");
        builder.UseSetting($"AsyncInvoke:Auth:Credentials:{AdminKeyId}:Secret", AdminSecret);
        builder.UseSetting($"AsyncInvoke:Auth:Credentials:{ReadKeyId}:Secret", ReadSecret);
        builder.UseSetting($"AsyncInvoke:Auth:Credentials:{ReadKeyId}:Role", "read");
        builder.UseSetting("AsyncInvoke:Auth:ApiKeys:ops:Key", AdminApiKey);
        builder.UseSetting("AsyncInvoke:Auth:ApiKeys:invoker:Key", InvokeApiKey);
        builder.UseSetting("AsyncInvoke:Auth:ApiKeys:invoker:Role", "invoke");
        builder.UseSetting("AsyncInvoke:Auth:ApiKeys:reader:Key", ReadApiKey);
        builder.UseSetting("AsyncInvoke:Auth:ApiKeys:reader:Role", "read");
        builder.UseSetting("AsyncInvoke:Auth:ApiKeys:burst:Key", BurstApiKey);
        builder.UseSetting("AsyncInvoke:Auth:ApiKeys:burst:Role", "invoke");
        builder.UseSetting("AsyncInvoke:Gateway:AcceptsPerSecondPerPrincipal", PerPrincipalRate.ToString(CultureInfo.InvariantCulture));
    }

    public async Task InitializeAsync()
    {
        using var client = CreateClient();
        await Infrastructure.GatewayFixture.WaitReadyAsync(client);
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    /// <summary>Signs a request the way AWS SDKs do (header form, body hash in <c>x-amz-content-sha256</c>).</summary>
    public static async Task<HttpRequestMessage> SignAsync(HttpRequestMessage request, string keyId, string secret, DateTimeOffset? at = null, string region = "us-east-1", string service = "lambda")
    {
        var when = at ?? DateTimeOffset.UtcNow;
        var amzDate = when.ToString(SigV4.AmzDateFormat, CultureInfo.InvariantCulture);
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync();
        var payloadHash = SigV4.Hex(SHA256.HashData(body));
        request.Headers.Add("X-Amz-Date", amzDate);
        request.Headers.Add("x-amz-content-sha256", payloadHash);
        var uri = new Uri(new Uri("http://localhost"), request.RequestUri!);
        var headers = new Dictionary<string, string> { ["host"] = "localhost", ["x-amz-content-sha256"] = payloadHash, ["x-amz-date"] = amzDate };
        var scope = $"{keyId}/{when:yyyyMMdd}/{region}/{service}/aws4_request";
        var signature = SigV4.ParseHeader($"{SigV4.Algorithm} Credential={scope}, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=x", out _)!;
        var canonical = SigV4.CanonicalRequest(request.Method.Method, uri.AbsolutePath, uri.Query.TrimStart('?'), signature.SignedHeaders, n => headers.GetValueOrDefault(n), payloadHash, presigned: false);
        var value = SigV4.Sign(secret, signature, SigV4.StringToSign(amzDate, signature, canonical));
        request.Headers.TryAddWithoutValidation("Authorization", $"{SigV4.Algorithm} Credential={scope}, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={value}");
        return request;
    }

    public static HttpRequestMessage WithBearer(HttpRequestMessage request, string key)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    public static string Utf8(string text) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));
}

[CollectionDefinition(Name)]
public sealed class SecureGatewayCollection : ICollectionFixture<SecureGatewayFixture>
{
    public const string Name = "secure-gateway";
}
