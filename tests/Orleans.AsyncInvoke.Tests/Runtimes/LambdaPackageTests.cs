using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using static Orleans.AsyncInvoke.Tests.Gateway.LambdaHttp;

namespace Orleans.AsyncInvoke.Tests.Runtimes;

/// <summary>
/// A zip-packaged function on the <c>provided.al2023</c> runtime, created through the Lambda API: its bootstrap (the
/// shell runtime of AWS's custom-runtime tutorial) polls the Runtime API of a warm execution environment.
/// </summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "Http")]
public sealed class LambdaPackageTests(GatewayFixture fixture)
{
    private const string Bootstrap = """
        #!/bin/bash
        set -euo pipefail
        source "$LAMBDA_TASK_ROOT/$(echo "$_HANDLER" | cut -d. -f1).sh"
        COUNT=0
        while true; do
          HEADERS="$(mktemp)"
          EVENT_DATA=$(curl -sS -LD "$HEADERS" "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next")
          REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
          COUNT=$((COUNT + 1))
          export COUNT REQUEST_ID
          RESPONSE=$($(echo "$_HANDLER" | cut -d. -f2) "$EVENT_DATA")
          curl -sS "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$REQUEST_ID/response" -d "$RESPONSE" >/dev/null
        done
        """;

    private const string Handler = """
        function handler () {
          case "$1" in
            *exit*) exit 3 ;;
            *sleep*) sleep 20 ;;
          esac
          echo "handling $REQUEST_ID" >&2
          echo "{\"event\":$1,\"count\":$COUNT,\"pid\":$$,\"fn\":\"$AWS_LAMBDA_FUNCTION_NAME\",\"mem\":$AWS_LAMBDA_FUNCTION_MEMORY_SIZE,\"request\":\"$REQUEST_ID\"}"
        }
        """;

    private readonly HttpClient _http = fixture.CreateClient();

    private static byte[] Package()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in new[] { ("bootstrap", Bootstrap), ("function.sh", Handler) })
            {
                var entry = zip.CreateEntry(name);
                entry.ExternalAttributes = Convert.ToInt32("100755", 8) << 16;
                using var writer = new StreamWriter(entry.Open(), new UTF8Encoding(false));
                writer.Write(text.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
            }
        }

        return buffer.ToArray();
    }

    private async Task<(string Name, byte[] Zip, JsonElement Created)> CreateAsync(int timeout = 10)
    {
        var name = $"zip-{Guid.NewGuid():N}";
        var zip = Package();
        var response = await _http.SendAsync(Request(HttpMethod.Post, "/2015-03-31/functions", JsonSerializer.Serialize(new
        {
            FunctionName = name,
            Runtime = "provided.al2023",
            Handler = "function.handler",
            Role = "arn:aws:iam::000000000000:role/r",
            Timeout = timeout,
            MemorySize = 256,
            Code = new { ZipFile = Convert.ToBase64String(zip) },
        })));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return (name, zip, JsonDocument.Parse(body).RootElement.Clone());
    }

    private async Task<JsonElement> InvokeAsync(string name, string payload)
    {
        var response = await _http.SendAsync(Invoke(name, payload));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static bool HasCurl() => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, "curl")));

    [Fact]
    public async Task CreateFunction_WhenGivenAZip_ReportsItsHashSizeAndRuntimeAndServesIt()
    {
        var (name, zip, created) = await CreateAsync();

        Assert.Equal(Convert.ToBase64String(SHA256.HashData(zip)), created.GetProperty("CodeSha256").GetString());
        Assert.Equal(zip.Length, created.GetProperty("CodeSize").GetInt64());
        Assert.Equal(("Zip", "provided.al2023", "function.handler", 256), (created.GetProperty("PackageType").GetString(), created.GetProperty("Runtime").GetString(),
            created.GetProperty("Handler").GetString(), created.GetProperty("MemorySize").GetInt32()));
        using var function = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"/2015-03-31/functions/{name}", UriKind.Relative)));
        var location = new Uri(function.RootElement.GetProperty("Code").GetProperty("Location").GetString()!);
        Assert.Equal(zip, await _http.GetByteArrayAsync(new Uri(location.PathAndQuery, UriKind.Relative)));
    }

    [Fact]
    public async Task Invoke_WhenCalledTwice_ReusesTheWarmEnvironmentWithTheInvocationsRequestId()
    {
        Assert.True(HasCurl(), "The bootstrap of AWS's custom-runtime tutorial needs curl: scripts/test.sh installs it (apt-get install curl).");
        var (name, _, _) = await CreateAsync();

        var first = await InvokeAsync(name, """{"n":1}""");
        var second = await InvokeAsync(name, """{"n":2}""");

        Assert.Equal(1, first.GetProperty("event").GetProperty("n").GetInt32());
        Assert.Equal((1, 2), (first.GetProperty("count").GetInt32(), second.GetProperty("count").GetInt32()));
        Assert.Equal(first.GetProperty("pid").GetInt32(), second.GetProperty("pid").GetInt32());
        Assert.Equal((name, 256), (first.GetProperty("fn").GetString(), first.GetProperty("mem").GetInt32()));
        Assert.Matches("^[0-9a-f-]{36}$", first.GetProperty("request").GetString()!);
    }

    [Fact]
    public async Task Invoke_WhenTheRuntimeExits_ReportsRuntimeExitErrorAndTheNextGetsAFreshEnvironment()
    {
        Assert.True(HasCurl(), "The bootstrap of AWS's custom-runtime tutorial needs curl: scripts/test.sh installs it (apt-get install curl).");
        var (name, _, _) = await CreateAsync(timeout: 30);
        var before = await InvokeAsync(name, """{"n":0}""");

        var exited = await _http.SendAsync(Invoke(name, """{"exit":true}"""));
        var exitedBody = await exited.Content.ReadAsStringAsync();
        var after = await InvokeAsync(name, """{"n":3}""");

        Assert.Equal("Unhandled", exited.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Contains("Runtime.ExitError", exitedBody, StringComparison.Ordinal);
        Assert.Contains("exit status 3", exitedBody, StringComparison.Ordinal);
        Assert.True(before.TryGetProperty("pid", out _) && after.TryGetProperty("pid", out _), $"before: {before} / after: {after}");
        Assert.NotEqual(before.GetProperty("pid").GetInt32(), after.GetProperty("pid").GetInt32());
        Assert.Equal(1, after.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Invoke_WhenTheHandlerOutlivesTheTimeout_IsCutWithLambdasMessage()
    {
        Assert.True(HasCurl(), "The bootstrap of AWS's custom-runtime tutorial needs curl: scripts/test.sh installs it (apt-get install curl).");
        var (name, _, _) = await CreateAsync(timeout: 3);

        var timedOut = await _http.SendAsync(Invoke(name, """{"sleep":true}"""));

        Assert.Equal("Unhandled", timedOut.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Contains("Task timed out after 3.00 seconds", await timedOut.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateFunction_WhenTheRuntimeIsNotSupportedOrTheZipIsBroken_RefusesItClearly()
    {
        var runtime = await _http.SendAsync(Request(HttpMethod.Post, "/2015-03-31/functions",
            """{"FunctionName":"cobol","Runtime":"cobol85","Handler":"x","Role":"r","Code":{"ZipFile":"UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}}"""));
        var broken = await _http.SendAsync(Request(HttpMethod.Post, "/2015-03-31/functions",
            """{"FunctionName":"broken","Runtime":"provided.al2023","Handler":"x","Role":"r","Code":{"ZipFile":"bm90IGEgemlw"}}"""));

        Assert.Contains("Supported runtimes: provided.al2023", await AssertLambdaErrorAsync(runtime, HttpStatusCode.BadRequest, "InvalidParameterValueException"), StringComparison.Ordinal);
        Assert.Equal("Could not unzip uploaded file. Please check your file, then try to upload again.",
            await AssertLambdaErrorAsync(broken, HttpStatusCode.BadRequest, "InvalidParameterValueException"));
    }
}
