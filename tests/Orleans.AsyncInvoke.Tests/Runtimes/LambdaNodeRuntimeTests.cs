using System.Net;
using System.Text.Json;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using static Orleans.AsyncInvoke.Tests.Gateway.LambdaHttp;

namespace Orleans.AsyncInvoke.Tests.Runtimes;

/// <summary>Node.js handlers written for Lambda, deployed unchanged as zips on a <c>nodejs*</c> runtime.</summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "Http")]
public sealed class LambdaNodeRuntimeTests(GatewayFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    private static string Zip(params (string Name, string Text)[] files) => LambdaZip.Of(files);

    private Task<string> CreateAsync(string runtime, string handler, string zip) => LambdaZip.CreateAsync(_http, runtime, handler, zip);

    private Task<(HttpResponseMessage Response, JsonElement Body)> InvokeAsync(string name, string payload) => LambdaZip.InvokeAsync(_http, name, payload);

    [Fact]
    public async Task Invoke_WhenTheHandlerIsAnAsyncEsModule_GetsTheEventTheContextAndKeepsModuleStateWarm()
    {
        var name = await CreateAsync("nodejs20.x", "index.handler", Zip(("index.mjs", """
            let calls = 0;
            export const handler = async (event, context) => {
              calls += 1;
              return { event, calls, greeting: process.env.GREETING, requestId: context.awsRequestId, arn: context.invokedFunctionArn,
                       fn: context.functionName, memory: context.memoryLimitInMB, remaining: context.getRemainingTimeInMillis() };
            };
            """)));

        var (_, first) = await InvokeAsync(name, """{"n":1}""");
        var (_, second) = await InvokeAsync(name, """{"n":2}""");

        Assert.Equal(1, first.GetProperty("event").GetProperty("n").GetInt32());
        Assert.Equal((1, 2), (first.GetProperty("calls").GetInt32(), second.GetProperty("calls").GetInt32()));
        Assert.Equal(("hello", name, "128"), (first.GetProperty("greeting").GetString(), first.GetProperty("fn").GetString(), first.GetProperty("memory").GetString()));
        Assert.Equal($"arn:aws:lambda:us-east-1:000000000000:function:{name}", first.GetProperty("arn").GetString());
        Assert.Matches("^[0-9a-f-]{36}$", first.GetProperty("requestId").GetString()!);
        Assert.InRange(first.GetProperty("remaining").GetInt64(), 1, 10_000);
    }

    [Fact]
    public async Task Invoke_WhenTheHandlerIsACommonJsCallback_AnswersWhatItCallsBackWith()
    {
        var name = await CreateAsync("nodejs22.x", "src/app.main", Zip(("src/app.js", """
            exports.main = function (event, context, callback) {
              setTimeout(() => callback(null, { doubled: event.n * 2 }), 10);
            };
            """)));

        var (response, body) = await InvokeAsync(name, """{"n":21}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(42, body.GetProperty("doubled").GetInt32());
    }

    [Fact]
    public async Task Invoke_WhenTheHandlerThrows_IsAFunctionErrorWithItsTypeMessageAndTrace()
    {
        var name = await CreateAsync("nodejs20.x", "index.handler", Zip(("index.js", """
            class OrderRejected extends Error { constructor(m) { super(m); this.name = 'OrderRejected'; } }
            exports.handler = async () => { throw new OrderRejected('no stock for sku 42'); };
            """)));

        var (response, body) = await InvokeAsync(name, "{}");

        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Equal(("OrderRejected", "no stock for sku 42"), (body.GetProperty("errorType").GetString(), body.GetProperty("errorMessage").GetString()));
    }

    [Fact]
    public async Task Invoke_WhenTheHandlerIsMissing_ReportsLambdasInitError()
    {
        var name = await CreateAsync("nodejs20.x", "index.nothere", Zip(("index.js", "exports.handler = async () => 1;")));

        var (response, body) = await InvokeAsync(name, "{}");

        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Equal("Runtime.HandlerNotFound", body.GetProperty("errorType").GetString());
        Assert.Contains("index.nothere is undefined or not exported", body.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_WhenAClientContextAndTheLogTailAreAskedFor_TheHandlerSeesOneAndTheCallerGetsTheOther()
    {
        var name = await CreateAsync("nodejs20.x", "index.handler", Zip(("index.mjs", """
            export const handler = async (event, context) => {
              console.log('tenant', context.clientContext.custom.tenant);
              return context.clientContext.custom;
            };
            """)));
        var clientContext = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("""{"custom":{"tenant":"acme"}}"""));

        var (response, body) = await LambdaZip.InvokeAsync(_http, name, "{}", r =>
        {
            r.Headers.Add("X-Amz-Client-Context", clientContext);
            r.Headers.Add("X-Amz-Log-Type", "Tail");
        });
        var log = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(response.Headers.GetValues("X-Amz-Log-Result").Single()));

        Assert.Equal("acme", body.GetProperty("tenant").GetString());
        Assert.Contains("tenant acme\n", log, StringComparison.Ordinal);
        Assert.Contains("REPORT RequestId: ", log, StringComparison.Ordinal);
    }
}
