using System.Net;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using static Orleans.AsyncInvoke.Tests.Gateway.LambdaHttp;

namespace Orleans.AsyncInvoke.Tests.Gateway;

/// <summary>However malformed, a request gets its Lambda error: never a 500, never a dead silo.</summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "Http")]
public sealed class MalformedRequestTests(GatewayFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    public static TheoryData<string, string, string?, string?, int, string> Cases()
    {
        var deep = new string('[', 200) + new string(']', 200);
        var longName = new string('a', 200);
        return new TheoryData<string, string, string?, string?, int, string>
        {
            { "PUT", "/2019-09-25/functions/echo/event-invoke-config", "{not json", "application/json", 400, "InvalidRequestContentException" },
            { "PUT", "/2019-09-25/functions/echo/event-invoke-config", """{"MaximumRetryAttempts":1}""", "text/plain", 415, "UnsupportedMediaTypeException" },
            { "PUT", "/2019-09-25/functions/echo/event-invoke-config", """{"MaximumRetryAttempts":"two"}""", "application/json", 400, "InvalidRequestContentException" },
            { "PUT", "/2019-09-25/functions/echo/event-invoke-config", """[1,2]""", "application/json", 400, "InvalidRequestContentException" },
            { "PUT", "/2019-09-25/functions/echo/event-invoke-config", """{"MaximumRetryAttempts":1e40}""", "application/json", 400, "InvalidRequestContentException" },
            { "PUT", "/2019-09-25/functions/echo/event-invoke-config", """{"DestinationConfig":{"OnSuccess":"queue://x"}}""", "application/json", 400, "InvalidRequestContentException" },
            { "PUT", "/2019-09-25/functions/echo/event-invoke-config", """{"MaximumRetryAttempts":7}""", "application/json", 400, "ValidationException" },
            { "PUT", "/2019-09-25/functions/echo/event-invoke-config", "{}", "application/json", 400, "InvalidParameterValueException" },
            { "PUT", "/2019-09-25/functions/echo/event-invoke-config", deep, "application/json", 400, "InvalidRequestContentException" },
            { "PUT", "/2019-09-25/functions/echo/event-invoke-config?Qualifier=no%20such", """{"MaximumRetryAttempts":1}""", "application/json", 400, "ValidationException" },
            { "GET", "/2019-09-25/functions/echo/event-invoke-config/list?MaxItems=abc", null, null, 400, "InvalidRequestContentException" },
            { "GET", "/2019-09-25/functions/echo/event-invoke-config/list?MaxItems=0", null, null, 400, "ValidationException" },
            { "GET", $"/2015-03-31/functions/{longName}", null, null, 400, "ValidationException" },
            { "GET", "/2015-03-31/functions/bad$name", null, null, 400, "ValidationException" },
            { "GET", "/2015-03-31/functions/no-such-function", null, null, 404, "ResourceNotFoundException" },
            { "GET", "/2015-03-31/functions/echo?Qualifier=42", null, null, 404, "ResourceNotFoundException" },
            { "GET", "/2015-03-31/functions?MaxItems=-1", null, null, 400, "ValidationException" },
            { "POST", "/2015-03-31/functions", """{"FunctionName":"x1","Code":{}}""", "application/json", 400, "InvalidParameterValueException" },
            { "POST", "/2015-03-31/functions", """{"FunctionName":"x2","PackageType":"Zip","Code":{"ZipFile":"AA=="}}""", "application/json", 400, "InvalidParameterValueException" },
            { "POST", "/2015-03-31/functions", """{"FunctionName":"x3","Timeout":"long","Code":{"ImageUri":"dotnet:echo"}}""", "application/json", 400, "InvalidRequestContentException" },
            { "POST", "/2015-03-31/functions", """{"FunctionName":"x4","Timeout":901,"Code":{"ImageUri":"dotnet:echo"}}""", "application/json", 400, "ValidationException" },
            { "POST", "/2015-03-31/functions", """{"FunctionName":"x5","Code":{"ImageUri":"dotnet:echo"},"Environment":{"Variables":{"A":1}}}""", "application/json", 400, "InvalidRequestContentException" },
            { "POST", "/2015-03-31/functions", """{"FunctionName":"x6","Code":{"ImageUri":"nothing-we-run"}}""", "application/json", 400, "InvalidParameterValueException" },
            { "POST", "/2015-03-31/functions", """{"Code":{"ImageUri":"dotnet:echo"}}""", "application/json", 400, "InvalidParameterValueException" },
            { "POST", "/2015-03-31/functions", """{"FunctionName":"echo","Code":{"ImageUri":"dotnet:echo"}}""", "application/json", 409, "ResourceConflictException" },
            { "POST", "/2015-03-31/functions/echo/aliases", """{"Name":"123","FunctionVersion":"$LATEST"}""", "application/json", 400, "ValidationException" },
            { "POST", "/2015-03-31/functions/echo/aliases", """{"Name":"next","FunctionVersion":"99"}""", "application/json", 404, "ResourceNotFoundException" },
            { "PUT", "/2024-08-31/functions/echo/recursion-config", """{"RecursiveLoop":"Maybe"}""", "application/json", 400, "ValidationException" },
            { "PUT", "/2017-10-31/functions/echo/concurrency", """{"ReservedConcurrentExecutions":-5}""", "application/json", 400, "ValidationException" },
            { "DELETE", "/2015-03-31/functions/echo?Qualifier=$LATEST", null, null, 400, "InvalidParameterValueException" },
            { "POST", "/2015-03-31/functions/echo/invocations", "{not json", "application/json", 400, "InvalidRequestContentException" },
            { "POST", "/2015-03-31/functions/echo:1/invocations?Qualifier=2", "{}", "application/json", 400, "InvalidParameterValueException" },
            { "POST", "/2015-03-31/functions", """{"FunctionName":"x7","Code":{"ImageUri":"dotnet:echo"},"Description":"\ud800"}""", "application/json", 400, "InvalidRequestContentException" },
            { "POST", "/2015-03-31/functions", """{"FunctionName":"x8","Code":{"ImageUri":"dotnet:echo"},"Environment":{"Variables":{"\udc00":"v"}}}""", "application/json", 400, "InvalidRequestContentException" },
            { "PUT", "/2015-03-31/functions/echo/aliases/live", """{"Description":"\udc00x"}""", "application/json", 400, "InvalidRequestContentException" },
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Request_WhenMalformed_GetsItsLambdaError(string method, string path, string? body, string? contentType, int status, string code)
    {
        var response = await _http.SendAsync(Request(new HttpMethod(method), path, body, contentType));

        await AssertLambdaErrorAsync(response, (HttpStatusCode)status, code);
    }

    [Theory]
    [InlineData("Sideways")]
    [InlineData("event")]
    public async Task Invoke_WhenTheInvocationTypeIsUnknown_IsAValidationError(string type)
    {
        var response = await _http.SendAsync(Invoke("echo", "{}", type));

        var message = await AssertLambdaErrorAsync(response, HttpStatusCode.BadRequest, "ValidationException");
        Assert.Contains("invocationType", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_WhenEveryMalformedRequestWasSent_StillAnswers()
    {
        foreach (var (method, path, body, contentType, _, _) in Cases().Select(c => ((string)c[0], (string)c[1], (string?)c[2], (string?)c[3], c[4], c[5])))
        {
            var response = await _http.SendAsync(Request(new HttpMethod(method), path, body, contentType));
            Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(Invoke("echo", "{}"))).StatusCode);
    }
}
