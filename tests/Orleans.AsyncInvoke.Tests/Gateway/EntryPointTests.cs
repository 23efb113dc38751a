using System.Net;
using System.Text.Json;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using static Orleans.AsyncInvoke.Tests.Gateway.LambdaHttp;

namespace Orleans.AsyncInvoke.Tests.Gateway;

[Collection(GatewayCollection.Name)]
[Trait("Category", "Http")]
public sealed class EntryPointTests(GatewayFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    [Fact]
    public async Task Api_WhenPosted_RunsSynchronouslyAndReturnsTheResponse()
    {
        var response = await _http.SendAsync(Request(HttpMethod.Post, "/api/echo", """{"azure":true}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"azure":true}""", await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.Contains("X-Request-Id"));
    }

    [Fact]
    public async Task Api_WhenCalledWithGet_PassesTheQueryAsAJsonObject()
    {
        var response = await _http.GetStringAsync(new Uri("/api/echo?name=ada&lang=en", UriKind.Relative));

        using var json = JsonDocument.Parse(response);
        Assert.Equal(("ada", "en"), (json.RootElement.GetProperty("name").GetString(), json.RootElement.GetProperty("lang").GetString()));
    }

    [Fact]
    public async Task Api_WhenTheFunctionFails_Answers500WithTheFunctionsErrorOnly()
    {
        var response = await _http.SendAsync(Request(HttpMethod.Post, "/api/fail", """{"message":"nope"}"""));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("""{"errorMessage":"nope","errorType":"InvalidOperationException"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Api_WhenIntegrationIsAsync_Answers202WithTheRequestId()
    {
        var response = await _http.SendAsync(Request(HttpMethod.Post, "/api/echo?integration=async", """{"y":1}"""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = response.Headers.GetValues("X-Request-Id").Single();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(id, body.RootElement.GetProperty("requestId").GetString());
        Assert.Equal(InvocationCondition.Success, (await fixture.Events.WaitAsync(id, InvocationEventKind.Completed)).Condition);
    }

    [Fact]
    public async Task OpenFaas_WhenInvokedAsync_KeepsTheCallersCallIdOrMakesOne()
    {
        var callId = $"call-{Guid.NewGuid():N}";
        var withId = Request(HttpMethod.Post, "/async-function/echo", "{}");
        withId.Headers.Add("X-Call-Id", callId);

        var first = await _http.SendAsync(withId);
        var second = await _http.SendAsync(Request(HttpMethod.Post, "/async-function/echo", "{}"));

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(callId, first.Headers.GetValues("X-Call-Id").Single());
        Assert.Matches("^[0-9a-f-]{36}$", second.Headers.GetValues("X-Call-Id").Single());
        await fixture.Events.WaitAsync(callId, InvocationEventKind.Completed);
    }

    [Theory]
    [InlineData("urn:fss:cn-north-4:proj:function:default:echo:latest")]
    [InlineData("urn:fss:cn-north-4:proj:function:default:echo")]
    [InlineData("echo")]
    public async Task FunctionGraph_WhenInvokedAsync_AnswersWithRequestIdInTheBody(string urn)
    {
        var response = await _http.SendAsync(Request(HttpMethod.Post, $"/v2/proj/fgs/functions/{urn}/invocations-async", """{"fg":1}"""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var id = body.RootElement.GetProperty("request_id").GetString()!;
        await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);
    }

    [Theory]
    [InlineData("/api/no-such-fn", 404, "ResourceNotFoundException")]
    [InlineData("/api/bad$name", 400, "ValidationException")]
    [InlineData("/async-function/no-such-fn", 404, "ResourceNotFoundException")]
    [InlineData("/v2/p/fgs/functions/urn:fss:x/invocations-async", 400, "InvalidParameterValueException")]
    public async Task EntryPoints_WhenTheFunctionIsMissingOrInvalid_ReportErrorsAsJson(string path, int status, string type)
    {
        var response = await _http.SendAsync(Request(HttpMethod.Post, path, "{}"));

        Assert.Equal(status, (int)response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(type, body.RootElement.GetProperty("errorType").GetString());
    }

    [Fact]
    public async Task Status_WhenRead_ShowsAttemptsConditionAndRecordOr404()
    {
        var id = (await _http.SendAsync(Invoke("flaky", """{"failTimes":0}""", "Event"))).Headers.GetValues("X-Amzn-RequestId").Single();
        await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);

        using var status = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"/invocations/{id}", UriKind.Relative)));
        var root = status.RootElement;
        Assert.Equal(("Succeeded", 1, "Success", "flaky"), (root.GetProperty("status").GetString(), root.GetProperty("attempts").GetInt32(), root.GetProperty("condition").GetString(), root.GetProperty("functionName").GetString()));
        Assert.Equal(id, root.GetProperty("record").GetProperty("requestContext").GetProperty("requestId").GetString());
        Assert.Equal(1, root.GetProperty("history").GetArrayLength());

        var missing = await _http.GetAsync(new Uri($"/invocations/{Guid.NewGuid()}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Status_WhenThePayloadNestsAsDeepAsInvokeAccepts_StillAnswersWithTheRecord()
    {
        // 64 levels, the deepest payload Invoke accepts: the record, and the status around it, nest it deeper still.
        var payload = new string('[', 64) + new string(']', 64);
        var accepted = await _http.SendAsync(Invoke("echo", payload, "Event"));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var id = accepted.Headers.GetValues("X-Amzn-RequestId").Single();
        await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);

        var response = await _http.GetAsync(new Uri($"/invocations/{id}", UriKind.Relative));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {body}");
        using var status = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 128 });
        Assert.Equal(payload, status.RootElement.GetProperty("record").GetProperty("requestPayload").GetRawText());
    }

    [Fact]
    public async Task Probes_WhenCalled_AnswerOk()
    {
        Assert.Equal("ok", await _http.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
        Assert.Equal("ready", await _http.GetStringAsync(new Uri("/readyz", UriKind.Relative)));
    }
}
