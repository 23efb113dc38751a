using System.Net;
using System.Text.Json;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using static Orleans.AsyncInvoke.Tests.Gateway.LambdaHttp;

namespace Orleans.AsyncInvoke.Tests.Runtimes;

/// <summary>What a zip function is given and how its code arrives: the standard environment, architectures, hot reload.</summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "Http")]
public sealed class LambdaCodeTests(GatewayFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    private const string PrintEnvironment = """
        import json, os
        def handler(event, context):
            return {k: os.environ.get(k) for k in event["names"]}
        """;

    [Fact]
    public async Task Invoke_WhenTheFunctionReadsItsEnvironment_SeesLambdasStandardVariables()
    {
        var name = await LambdaZip.CreateAsync(_http, "python3.12", "app.handler", LambdaZip.Of(("app.py", PrintEnvironment)));
        string[] names =
        [
            "AWS_LAMBDA_RUNTIME_API", "_HANDLER", "LAMBDA_TASK_ROOT", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL", "GREETING",
        ];

        var (_, body) = await LambdaZip.InvokeAsync(_http, name, JsonSerializer.Serialize(new { names }));
        string? Value(string key) => body.GetProperty(key).GetString();

        Assert.Matches(@"^127\.0\.0\.1:\d+$", Value("AWS_LAMBDA_RUNTIME_API"));
        Assert.Equal(("app.handler", name, "$LATEST", "128"), (Value("_HANDLER"), Value("AWS_LAMBDA_FUNCTION_NAME"), Value("AWS_LAMBDA_FUNCTION_VERSION"), Value("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")));
        Assert.True(File.Exists(Path.Combine(Value("LAMBDA_TASK_ROOT")!, "app.py")));
        Assert.Equal(("us-east-1", "AWS_Lambda_python3.12", $"/aws/lambda/{name}"), (Value("AWS_REGION"), Value("AWS_EXECUTION_ENV"), Value("AWS_LAMBDA_LOG_GROUP_NAME")));
        Assert.Matches(@"^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$", Value("AWS_LAMBDA_LOG_STREAM_NAME"));
        Assert.Equal(("AKIDFUNCTIONS", "function-secret", "http://127.0.0.1:4566"), (Value("AWS_ACCESS_KEY_ID"), Value("AWS_SECRET_ACCESS_KEY"), Value("AWS_ENDPOINT_URL")));
        Assert.Equal("hello", Value("GREETING"));
    }

    [Theory]
    [InlineData("""["arm64"]""", HttpStatusCode.Created, "arm64")]
    [InlineData("""["x86_64"]""", HttpStatusCode.Created, "x86_64")]
    [InlineData("""["sparc"]""", HttpStatusCode.BadRequest, "Member must satisfy enum value set: [x86_64, arm64]")]
    [InlineData("""["x86_64","arm64"]""", HttpStatusCode.BadRequest, "Member must have length less than or equal to 1")]
    public async Task CreateFunction_WhenArchitecturesAreGiven_KeepsOneValidValueOrRefuses(string architectures, HttpStatusCode status, string expected)
    {
        var zip = LambdaZip.Of(("app.py", PrintEnvironment));
        var response = await _http.SendAsync(Request(HttpMethod.Post, "/2015-03-31/functions", $$$"""
            {"FunctionName":"arch-{{{Guid.NewGuid():N}}}","Runtime":"python3.12","Handler":"app.handler","Role":"arn:aws:iam::000000000000:role/r",
             "Architectures":{{{architectures}}},"Code":{"ZipFile":"{{{zip}}}"}}
            """));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(expected, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_WhenTheCodeIsAHotReloadFolder_AChangeOnDiskIsPickedUpByTheNextInvocation()
    {
        var folder = Directory.CreateTempSubdirectory("asyncinvoke-hot-reload-").FullName;
        try
        {
            var source = Path.Combine(folder, "app.py");
            await File.WriteAllTextAsync(source, "def handler(event, context):\n    return 'first'\n");
            var name = $"hot-{Guid.NewGuid():N}";
            var created = await _http.SendAsync(Request(HttpMethod.Post, "/2015-03-31/functions", JsonSerializer.Serialize(new
            {
                FunctionName = name, Runtime = "python3.12", Handler = "app.handler", Role = "arn:aws:iam::000000000000:role/r",
                Code = new { S3Bucket = "hot-reload", S3Key = folder },
            })));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);

            var (_, first) = await LambdaZip.InvokeAsync(_http, name, "{}");
            var (_, warm) = await LambdaZip.InvokeAsync(_http, name, "{}");
            await File.WriteAllTextAsync(source, "def handler(event, context):\n    return 'second'\n");
            File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddSeconds(5));
            var (_, changed) = await LambdaZip.InvokeAsync(_http, name, "{}");

            Assert.Equal(("first", "first", "second"), (first.GetString(), warm.GetString(), changed.GetString()));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("my-bucket", "/tmp", "this runtime has no S3")]
    [InlineData("hot-reload", "relative/path", "must be an absolute path")]
    [InlineData("hot-reload", "/nonexistent/asyncinvoke-folder", "does not exist on the silo's machine")]
    public async Task CreateFunction_WhenTheCodeIsAnS3LocationThatCannotBeRead_RefusesWithTheReason(string bucket, string key, string expected)
    {
        var response = await _http.SendAsync(Request(HttpMethod.Post, "/2015-03-31/functions", JsonSerializer.Serialize(new
        {
            FunctionName = $"s3-{Guid.NewGuid():N}", Runtime = "python3.12", Handler = "app.handler", Role = "arn:aws:iam::000000000000:role/r",
            Code = new { S3Bucket = bucket, S3Key = key },
        })));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
