using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.AsyncInvoke.Client;
using Orleans.AsyncInvoke.Testing;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using Orleans.Configuration;

namespace Orleans.AsyncInvoke.Tests.Integration;

/// <summary>The secure configuration of real silo processes: the start refusal, TLS on every hop, Redis credentials.</summary>
[Trait("Category", "Integration")]
public sealed class SecurityProcessTests
{
    private static string Free() => FreePort.Next().ToString(CultureInfo.InvariantCulture);

    private static Dictionary<string, string> Embedded() => new()
    {
        ["AsyncInvoke__Cluster__SiloPort"] = Free(),
        ["AsyncInvoke__Cluster__GatewayPort"] = Free(),
    };

    /// <summary>Accepts one event over HTTP and waits for it to succeed, reading its status over HTTP.</summary>
    private static async Task AcceptAndSucceedAsync(Uri silo, HttpClient? client = null)
    {
        using var owned = client is null ? new HttpClient() : null;
        var http = client ?? owned!;
        using var accept = new HttpRequestMessage(HttpMethod.Post, new Uri(silo, "/2015-03-31/functions/echo/invocations")) { Content = new StringContent("{}") };
        accept.Headers.Add("X-Amz-Invocation-Type", "Event");
        var accepted = await http.SendAsync(accept);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var id = accepted.Headers.GetValues("X-Amzn-RequestId").Single();
        await Eventually.TrueAsync(async () =>
        {
            using var status = JsonDocument.Parse(await http.GetStringAsync(new Uri(silo, $"/invocations/{id}")));
            return status.RootElement.GetProperty("status").GetString() == "Succeeded";
        }, $"{id} to succeed", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Silo_WhenItListensBeyondLoopbackWithoutCredentials_RefusesToStartNamingTheKeys()
    {
        var port = FreePort.Next();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            SiloProcess.StartAsync(port, Embedded(), TimeSpan.FromSeconds(60), urls: $"http://0.0.0.0:{port}"));

        Assert.Contains("exited with 1", refused.Message, StringComparison.Ordinal);
        Assert.Contains("The HTTP endpoint listens beyond loopback (http://0.0.0.0:", refused.Message, StringComparison.Ordinal);
        Assert.Contains("AsyncInvoke:Auth:Credentials:<AccessKeyId>:Secret", refused.Message, StringComparison.Ordinal);
        Assert.Contains("AsyncInvoke:Auth:ApiKeys:<name>:Key", refused.Message, StringComparison.Ordinal);
        Assert.Contains("AsyncInvoke:Auth:AllowAnonymous=true", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_WhenKeyedOrOpenOnPurpose_StartsBeyondLoopbackAndSaysWhoItServes()
    {
        const string key = "process-key-3e8a1b7c";
        var keyedPort = FreePort.Next();
        var keyed = Embedded();
        keyed["AsyncInvoke__Auth__ApiKeys__ops__Key"] = key;
        await using (var silo = await SiloProcess.StartAsync(keyedPort, keyed, TimeSpan.FromSeconds(60), urls: $"http://0.0.0.0:{keyedPort}"))
        {
            using var http = new HttpClient();
            var anonymous = await http.PostAsync(new Uri($"http://127.0.0.1:{keyedPort}/async-function/echo"), new StringContent("{}"));
            using var withKey = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://127.0.0.1:{keyedPort}/async-function/echo")) { Content = new StringContent("{}") };
            withKey.Headers.Authorization = new("Bearer", key);

            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, (await http.SendAsync(withKey)).StatusCode);
            Assert.Contains("Authentication is on: 0 SigV4 credential(s), 1 API key(s).", silo.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(key, silo.Output, StringComparison.Ordinal);
        }

        var openPort = FreePort.Next();
        var open = Embedded();
        open["AsyncInvoke__Auth__AllowAnonymous"] = "true";
        await using var openSilo = await SiloProcess.StartAsync(openPort, open, TimeSpan.FromSeconds(60), urls: $"http://0.0.0.0:{openPort}");
        Assert.Contains("Authentication is off", openSilo.Output, StringComparison.Ordinal);
        Assert.Contains("anyone who can reach it (AllowAnonymous=true)", openSilo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedisProfile_WhenAnExecTargetIsCreated_RefusesItSayingWhichSettingAllowsIt()
    {
        await using var redis = new RedisServer();
        await redis.StartAsync();
        var silo = new RedisSilo(redis);
        await using var process = await silo.StartAsync();
        using var http = new HttpClient();

        var response = await http.PostAsync(new Uri(silo.HttpAddress, "/2015-03-31/functions"), new StringContent(
            """{"FunctionName":"shell","Role":"arn:aws:iam::000000000000:role/r","PackageType":"Image","Code":{"ImageUri":"exec:sh -c id"}}""", Encoding.UTF8, "application/json"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidParameterValueException", response.Headers.GetValues("X-Amzn-ErrorType").Single());
        Assert.Contains("AsyncInvoke:Execution:AllowLocalPrograms=true", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedisProfile_WhenAProxyIsSet_WebhooksStillConnectToTheCheckedTargetOnly()
    {
        await using var redis = new RedisServer();
        await redis.StartAsync();
        await using var proxy = new FunctionServer((c, _) => FunctionServer.ReplyAsync(c, 200, "{}"));
        var proxyPort = new Uri(proxy.Url).Port;
        // The proxy's host is allowed; the target is this machine's own name, which must count as internal.
        var target = $"http://{Dns.GetHostName()}:{FreePort.Next()}/hook";
        var silo = new RedisSilo(redis, settings: new Dictionary<string, string>
        {
            ["HTTP_PROXY"] = $"http://localhost:{proxyPort}",
            ["http_proxy"] = $"http://localhost:{proxyPort}",
            ["AsyncInvoke__Webhooks__AllowLoopback"] = "false",
            ["AsyncInvoke__Webhooks__AllowedHosts__0"] = "localhost",
        });
        await using var process = await silo.StartAsync();
        using var http = new HttpClient();
        var config = await http.PutAsync(new Uri(silo.HttpAddress, "/2019-09-25/functions/echo/event-invoke-config"), new StringContent(
            $$$$"""{"DestinationConfig":{"OnSuccess":{"Destination":"{{{{target}}}}"}}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, config.StatusCode);

        using var accept = new HttpRequestMessage(HttpMethod.Post, new Uri(silo.HttpAddress, "/2015-03-31/functions/echo/invocations")) { Content = new StringContent("{}") };
        accept.Headers.Add("X-Amz-Invocation-Type", "Event");
        Assert.Equal(HttpStatusCode.Accepted, (await http.SendAsync(accept)).StatusCode);

        await Eventually.TrueAsync(async () => await silo.DeliveryFailuresAsync(target) > 0, "the webhook delivery to fail at the guard", TimeSpan.FromSeconds(60));
        Assert.Empty(proxy.Requests);
        await process.WaitForLineAsync("resolves only to internal addresses").WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task RedisProfile_WhenAWebhookIsALiteralInternalAddress_RefusesItWhenConfigured()
    {
        await using var redis = new RedisServer();
        await redis.StartAsync();
        var silo = new RedisSilo(redis, settings: new Dictionary<string, string> { ["AsyncInvoke__Webhooks__AllowLoopback"] = "false" });
        await using var process = await silo.StartAsync();
        using var http = new HttpClient();

        foreach (var url in new[] { "http://169.254.169.254/latest/meta-data", "http://[::127.0.0.1]:8080/", "http://10.0.0.8/hook" })
        {
            var response = await http.PutAsync(new Uri(silo.HttpAddress, "/2019-09-25/functions/echo/event-invoke-config"), new StringContent(
                $$$$"""{"DestinationConfig":{"OnFailure":{"Destination":"{{{{url}}}}"}}}""", Encoding.UTF8, "application/json"));
            var body = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url}: expected 400, got {(int)response.StatusCode}: {body}");
            Assert.Contains("is internal", body, StringComparison.Ordinal);
        }

        var target = await http.PostAsync(new Uri(silo.HttpAddress, "/2015-03-31/functions"), new StringContent(
            """{"FunctionName":"metadata","Role":"arn:aws:iam::000000000000:role/r","PackageType":"Image","Code":{"ImageUri":"http://169.254.169.254/latest/"}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, target.StatusCode);
    }

    [Fact]
    public async Task RedisProfile_WhenRedisRequiresAPassword_RunsWithItAndRefusesAWrongOneNamingTheKey()
    {
        const string password = "redis-pass-8d41c2f7";
        await using var redis = new RedisServer(["--requirepass", password], $",password={password}");
        await redis.StartAsync();
        var silo = new RedisSilo(redis);
        await using (var process = await silo.StartAsync())
        {
            await AcceptAndSucceedAsync(silo.HttpAddress);
            Assert.DoesNotContain(password, process.Output, StringComparison.Ordinal);
        }

        const string wrong = "not-the-password-51a9";
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => new RedisSilo(redis, settings: new Dictionary<string, string>
        {
            ["ConnectionStrings__Redis"] = $"127.0.0.1:{redis.Port},password={wrong}",
        }).StartAsync());
        Assert.Contains("exited with 1", refused.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:Redis", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedisProfile_WhenRedisSpeaksOnlyTls_ConnectsTrustingThePrivateAuthority()
    {
        using var certificates = new TestCertificates();
        var (certificate, key) = certificates.Issue("redis");
        await using var redis = new RedisServer(
            ["--port", "0", "--tls-port", "{port}", "--tls-cert-file", certificate, "--tls-key-file", key, "--tls-ca-cert-file", certificates.CaPath, "--tls-auth-clients", "no"],
            ",ssl=true,sslHost=localhost", certificates.CaPath);
        await redis.StartAsync();
        var silo = new RedisSilo(redis, settings: new Dictionary<string, string> { ["AsyncInvoke__Redis__CaPath"] = certificates.CaPath });
        await using var process = await silo.StartAsync();

        await AcceptAndSucceedAsync(silo.HttpAddress);
    }

    [Fact]
    public async Task Cluster_WhenTlsIsConfigured_TwoSilosAndAClientTalkMutualTlsAndAForeignCertificateIsRefused()
    {
        using var certificates = new TestCertificates();
        using var strangers = new TestCertificates("Other CA");
        await using var redis = new RedisServer();
        await redis.StartAsync();
        var clusterId = $"tls-{Guid.NewGuid():N}";
        var gateway = FreePort.Next();
        var silos = new List<SiloProcess>();
        try
        {
            foreach (var (name, gatewayPort) in new[] { ("silo-a", gateway), ("silo-b", FreePort.Next()) })
            {
                var (certificate, key) = certificates.Issue(name);
                silos.Add(await SiloProcess.StartAsync(FreePort.Next(), new Dictionary<string, string>
                {
                    ["ConnectionStrings__Redis"] = redis.ConnectionString,
                    ["AsyncInvoke__Cluster__ClusterId"] = clusterId,
                    ["AsyncInvoke__Cluster__ServiceId"] = clusterId,
                    ["AsyncInvoke__Cluster__SiloPort"] = Free(),
                    ["AsyncInvoke__Cluster__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
                    ["AsyncInvoke__Cluster__Tls__CertificatePath"] = certificate,
                    ["AsyncInvoke__Cluster__Tls__KeyPath"] = key,
                    ["AsyncInvoke__Cluster__Tls__CaPath"] = certificates.CaPath,
                }));
            }

            var (clientCertificate, clientKey) = certificates.Issue("client");
            using var client = await ConnectAsync(gateway, clusterId, new ClusterTlsOptions { CertificatePath = clientCertificate, KeyPath = clientKey, CaPath = certificates.CaPath });
            var management = client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
            await Eventually.TrueAsync(async () => (await management.GetHosts(onlyActive: true)).Count == 2, "both silos to be active members over TLS", TimeSpan.FromSeconds(60));
            var invoked = await client.Services.GetRequiredService<IAsyncInvoker>().InvokeAsync(new InvokeRequest { FunctionName = "echo", Payload = "{\"tls\":1}"u8.ToArray(), InvocationType = InvocationType.RequestResponse });
            Assert.Equal("{\"tls\":1}", Encoding.UTF8.GetString(invoked.Payload));

            var (foreignCertificate, foreignKey) = strangers.Issue("intruder");
            await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                using var foreign = await ConnectAsync(gateway, clusterId, new ClusterTlsOptions { CertificatePath = foreignCertificate, KeyPath = foreignKey, CaPath = strangers.CaPath });
            });
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Gateway_WhenKestrelHasACertificate_ServesHttps()
    {
        using var certificates = new TestCertificates();
        var (certificate, key) = certificates.Issue("gateway");
        var httpPort = FreePort.Next();
        var httpsPort = FreePort.Next();
        var settings = Embedded();
        settings["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{httpPort}";
        settings["Kestrel__Endpoints__Https__Url"] = $"https://127.0.0.1:{httpsPort}";
        settings["Kestrel__Endpoints__Https__Certificate__Path"] = certificate;
        settings["Kestrel__Endpoints__Https__Certificate__KeyPath"] = key;
        await using var silo = await SiloProcess.StartAsync(httpPort, settings);
        var authorities = ClusterTls.LoadAuthorities(certificates.CaPath);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => ClusterTls.ChainsTo(c, authorities) };
        using var https = new HttpClient(handler);

        await AcceptAndSucceedAsync(new Uri($"https://127.0.0.1:{httpsPort}"), https);
    }

    private static async Task<IHost> ConnectAsync(int gatewayPort, string clusterId, ClusterTlsOptions tls)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client => client
            .UseStaticClustering(new IPEndPoint(IPAddress.Loopback, gatewayPort))
            .Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = clusterId;
            })
            .UseAsyncInvokeTls(tls));
        builder.Services.AddAsyncInvokeClient();
        var host = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StartAsync(timeout.Token);
        return host;
    }
}
