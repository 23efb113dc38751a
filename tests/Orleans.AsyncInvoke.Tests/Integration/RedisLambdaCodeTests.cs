using System.Net;
using System.Text.Json;
using Orleans.AsyncInvoke.Testing;
using Orleans.AsyncInvoke.Tests.Runtimes;
using static Orleans.AsyncInvoke.Tests.Gateway.LambdaHttp;

namespace Orleans.AsyncInvoke.Tests.Integration;

/// <summary>Zip packages in the Redis profile: stored once, durable, run by every silo from its own unpacked copy.</summary>
[Trait("Category", "Integration")]
public sealed class RedisLambdaCodeTests
{
    private static string Package(string answer) => LambdaZip.Of(("app.py", $"def handler(event, context):\n    return '{answer}'\n"));

    [Fact]
    public async Task Invoke_WhenThePackageWasCreatedOnAnotherSilo_RunsItThereAndKeepsItAcrossRestarts()
    {
        await using var redis = new RedisServer();
        await redis.StartAsync();
        var clusterId = $"it-{Guid.NewGuid():N}";
        var folders = new[] { Directory.CreateTempSubdirectory("asyncinvoke-code-a-").FullName, Directory.CreateTempSubdirectory("asyncinvoke-code-b-").FullName };
        RedisSilo SiloWith(string folder) => new(redis, clusterId: clusterId, settings: new Dictionary<string, string>
        {
            ["AsyncInvoke__Execution__AllowLocalPrograms"] = "true",
            ["AsyncInvoke__Lambda__CodeDirectory"] = folder,
        });
        var (a, b) = (SiloWith(folders[0]), SiloWith(folders[1]));
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            var name = $"shared-{Guid.NewGuid():N}";
            await using (var siloA = await a.StartAsync())
            await using (var siloB = await b.StartAsync())
            {
                var created = await http.SendAsync(At(a, Request(HttpMethod.Post, "/2015-03-31/functions", JsonSerializer.Serialize(new
                {
                    FunctionName = name, Runtime = "python3.12", Handler = "app.handler", Role = "arn:aws:iam::000000000000:role/r",
                    Publish = true, Code = new { ZipFile = Package("first") },
                }))));
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                var updated = await http.SendAsync(At(a, Request(HttpMethod.Put, $"/2015-03-31/functions/{name}/code",
                    JsonSerializer.Serialize(new { ZipFile = Package("second") }))));
                Assert.Equal(HttpStatusCode.OK, updated.StatusCode);

                Assert.Equal("second", await InvokeAsync(http, b, name));
                Assert.Equal("first", await InvokeAsync(http, b, $"{name}:1"));
                Assert.Equal(2, Directory.GetDirectories(folders[1]).Count(d => Path.GetFileName(d).Length == 64));
                // B leaves the cluster (a graceful stop), A is killed: what is left is the code in Redis.
                siloB.Terminate();
                Assert.True(await siloB.WaitForExitAsync(TimeSpan.FromSeconds(30)));
                siloA.Kill();
            }

            await using var restarted = await a.StartAsync();
            Directory.Delete(folders[0], recursive: true);
            Assert.Equal("first", await InvokeAsync(http, a, $"{name}:1"));
            Assert.Equal("second", await InvokeAsync(http, a, name));
        }
        finally
        {
            foreach (var folder in folders.Where(Directory.Exists))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static HttpRequestMessage At(RedisSilo silo, HttpRequestMessage request)
    {
        request.RequestUri = new Uri(silo.HttpAddress, request.RequestUri!);
        return request;
    }

    private static async Task<string?> InvokeAsync(HttpClient http, RedisSilo silo, string function)
    {
        using var response = await http.SendAsync(At(silo, Invoke(function, "{}")));
        var text = await response.Content.ReadAsStringAsync();
        Assert.False(response.Headers.Contains("X-Amz-Function-Error"), text);
        return JsonSerializer.Deserialize<string>(text);
    }
}
