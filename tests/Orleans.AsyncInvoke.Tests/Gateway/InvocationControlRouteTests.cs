using System.Net;
using System.Text.Json;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using static Orleans.AsyncInvoke.Tests.Gateway.LambdaHttp;

namespace Orleans.AsyncInvoke.Tests.Gateway;

/// <summary>The control routes over HTTP: cancel, retry, pause and resume, and the headers of a delayed invoke, with their errors.</summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "Http")]
public sealed class InvocationControlRouteTests(GatewayFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    [Fact]
    public async Task Cancel_WhenDelayed_Answers200Cancelled_ThenA409AndRetryRunsIt()
    {
        var id = await InvokeEventAsync("echo", ("X-AsyncInvoke-Invoke-After", "3600"));

        var cancelled = await _http.SendAsync(Request(HttpMethod.Delete, $"/invocations/{id}"));
        var again = await _http.SendAsync(Request(HttpMethod.Delete, $"/invocations/{id}"));
        var retried = await _http.SendAsync(Request(HttpMethod.Post, $"/invocations/{id}/retry"));

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        using (var body = JsonDocument.Parse(await cancelled.Content.ReadAsStringAsync()))
        {
            Assert.Equal(("Cancelled", "Cancelled"), (body.RootElement.GetProperty("status").GetString(), body.RootElement.GetProperty("condition").GetString()));
        }

        await AssertErrorAsync(again, HttpStatusCode.Conflict, "InvalidStateException");
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        Assert.Equal(InvocationCondition.Success, (await fixture.Events.WaitForNthAsync(id, InvocationEventKind.Completed, 2)).Condition);
    }

    [Fact]
    public async Task Cancel_AndRetry_OfAnUnknownId_Answer404()
    {
        var cancel = await _http.SendAsync(Request(HttpMethod.Delete, $"/invocations/none-{Guid.NewGuid():N}"));
        var retry = await _http.SendAsync(Request(HttpMethod.Post, $"/invocations/none-{Guid.NewGuid():N}/retry"));

        await AssertErrorAsync(cancel, HttpStatusCode.NotFound, "ResourceNotFoundException");
        await AssertErrorAsync(retry, HttpStatusCode.NotFound, "ResourceNotFoundException");
    }

    [Fact]
    public async Task Cancel_WithANotifyThatIsNotABoolean_Answers400()
    {
        var id = await InvokeEventAsync("echo", ("X-AsyncInvoke-Invoke-After", "3600"));

        var response = await _http.SendAsync(Request(HttpMethod.Delete, $"/invocations/{id}?notify=yes"));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "InvalidParameterValueException");
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(Request(HttpMethod.Delete, $"/invocations/{id}?notify=true"))).StatusCode);
    }

    [Fact]
    public async Task Retry_WhenSucceeded_Answers409()
    {
        var id = await InvokeEventAsync("echo");
        await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);

        var response = await _http.SendAsync(Request(HttpMethod.Post, $"/invocations/{id}/retry"));

        var message = await AssertErrorAsync(response, HttpStatusCode.Conflict, "InvalidStateException");
        Assert.Contains("Succeeded", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Async_PutAndGet_PauseAndResumeAFunction_AndRefuseBadInput()
    {
        var fn = $"paused-{Guid.NewGuid():N}";
        var created = await _http.SendAsync(Request(HttpMethod.Post, "/2015-03-31/functions",
            $$$"""{"FunctionName":"{{{fn}}}","Role":"r","PackageType":"Image","Code":{"ImageUri":"dotnet:echo"}}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var paused = await _http.SendAsync(Request(HttpMethod.Put, $"/functions/{fn}/async", """{"paused":true}"""));
        var read = await _http.GetStringAsync(new Uri($"/functions/{fn}/async", UriKind.Relative));
        var id = await InvokeEventAsync(fn);
        var status = await _http.GetStringAsync(new Uri($"/invocations/{id}", UriKind.Relative));
        var resumed = await _http.SendAsync(Request(HttpMethod.Put, $"/functions/{fn}/async", """{"paused":false}"""));

        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        Assert.Equal($$"""{"functionName":"{{fn}}","paused":true}""", read);
        Assert.Contains("\"status\":\"Paused\"", status, StringComparison.Ordinal);
        Assert.Equal($$"""{"functionName":"{{fn}}","paused":false}""", await resumed.Content.ReadAsStringAsync());
        await AssertErrorAsync(await _http.SendAsync(Request(HttpMethod.Put, $"/functions/{fn}/async", """{"paused":"yes"}""")), HttpStatusCode.BadRequest, null);
        await AssertErrorAsync(await _http.SendAsync(Request(HttpMethod.Put, $"/functions/{fn}/async", "{}")), HttpStatusCode.BadRequest, "InvalidParameterValueException");
        await AssertErrorAsync(await _http.GetAsync(new Uri($"/functions/missing-{Guid.NewGuid():N}/async", UriKind.Relative)), HttpStatusCode.NotFound, "ResourceNotFoundException");
        await AssertErrorAsync(await _http.GetAsync(new Uri("/functions/bad.name/async", UriKind.Relative)), HttpStatusCode.BadRequest, "ValidationException");
    }

    [Theory]
    [InlineData("X-AsyncInvoke-Invoke-After", "-1", "InvalidParameterValueException")]
    [InlineData("X-AsyncInvoke-Invoke-After", "soon", "InvalidParameterValueException")]
    [InlineData("X-AsyncInvoke-Invoke-After", "31536001", "InvalidParameterValueException")]
    [InlineData("X-AsyncInvoke-Invoke-At", "2001-01-01T00:00:00Z", "InvalidParameterValueException")]
    [InlineData("X-AsyncInvoke-Invoke-At", "2099-01-01 00:00", "InvalidParameterValueException")]
    [InlineData("X-AsyncInvoke-Maximum-Retry-Attempts", "3", "ValidationException")]
    [InlineData("X-AsyncInvoke-Maximum-Event-Age", "21601", "ValidationException")]
    [InlineData("X-AsyncInvoke-On-Failure", "arn:aws:sqs:eu-west-1:000000000000:q", "InvalidParameterValueException")]
    [InlineData("X-AsyncInvoke-On-Success", "nowhere://x", "InvalidParameterValueException")]
    public async Task Invoke_WithABadControlHeader_Answers400InLambdasShape(string header, string value, string code)
    {
        var request = Invoke("echo", "{}", "Event");
        request.Headers.Add(header, value);

        var response = await _http.SendAsync(request);

        await AssertLambdaErrorAsync(response, HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task Invoke_OnOtherEntryPoints_HonoursTheDelayHeader()
    {
        var request = Request(HttpMethod.Post, "/async-function/echo", "{}");
        request.Headers.Add("X-AsyncInvoke-Invoke-After", "600");

        var response = await _http.SendAsync(request);
        var id = response.Headers.GetValues("X-Call-Id").Single();
        var status = await _http.GetStringAsync(new Uri($"/invocations/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Contains("\"status\":\"Pending\"", status, StringComparison.Ordinal);
        Assert.Contains("\"attempts\":0", status, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(Request(HttpMethod.Delete, $"/invocations/{id}"))).StatusCode);
    }

    [Fact]
    public async Task List_PagesAFunctionsInvocationsNewestFirstAndFiltersByState()
    {
        var fn = $"listed-{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.Created, (await _http.SendAsync(Request(HttpMethod.Post, "/2015-03-31/functions",
            $$$"""{"FunctionName":"{{{fn}}}","Role":"r","PackageType":"Image","Code":{"ImageUri":"dotnet:echo"}}"""))).StatusCode);
        var delayed = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            delayed.Add(await InvokeEventAsync(fn, ("X-AsyncInvoke-Invoke-After", "3600")));
        }

        var done = await InvokeEventAsync(fn);
        await fixture.Events.WaitAsync(done, InvocationEventKind.Completed);

        using var first = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"/invocations?function={fn}&limit=2", UriKind.Relative)));
        var next = first.RootElement.GetProperty("next").GetString();
        using var second = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"/invocations?function={fn}&limit=2&next={next}", UriKind.Relative)));
        using var pending = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"/invocations?function={fn}&state=pending", UriKind.Relative)));
        using var succeeded = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"/invocations?function={fn}&state=succeeded", UriKind.Relative)));

        var listed = first.RootElement.GetProperty("invocations").EnumerateArray().Concat(second.RootElement.GetProperty("invocations").EnumerateArray()).ToList();
        var ids = listed.Select(e => e.GetProperty("requestId").GetString()).ToList();
        var received = listed.Select(e => e.GetProperty("receivedAt").GetDateTimeOffset().ToUnixTimeMilliseconds()).ToList();
        // Newest first; invocations received in the same millisecond have no order among themselves.
        Assert.Equal(received.OrderDescending(), received);
        Assert.Equal(delayed.Append(done).Order(), ids.Order());
        Assert.Equal(delayed.Order(), pending.RootElement.GetProperty("invocations").EnumerateArray().Select(e => e.GetProperty("requestId").GetString()).Order());
        var only = Assert.Single(succeeded.RootElement.GetProperty("invocations").EnumerateArray());
        Assert.Equal(("Succeeded", "Success"), (only.GetProperty("status").GetString(), only.GetProperty("condition").GetString()));
        foreach (var id in delayed)
        {
            await _http.SendAsync(Request(HttpMethod.Delete, $"/invocations/{id}"));
        }
    }

    [Theory]
    [InlineData("/invocations", HttpStatusCode.BadRequest, "InvalidParameterValueException")]
    [InlineData("/invocations?function=echo&state=sleeping", HttpStatusCode.BadRequest, "InvalidParameterValueException")]
    [InlineData("/invocations?function=echo&limit=0", HttpStatusCode.BadRequest, "ValidationException")]
    [InlineData("/invocations?function=echo&limit=many", HttpStatusCode.BadRequest, "InvalidParameterValueException")]
    [InlineData("/invocations?function=echo&since=yesterday", HttpStatusCode.BadRequest, "InvalidParameterValueException")]
    [InlineData("/invocations?function=echo&next=bm9wZQ", HttpStatusCode.BadRequest, "ValidationException")]
    [InlineData("/invocations?function=not.valid", HttpStatusCode.BadRequest, "ValidationException")]
    public async Task List_WithBadParameters_AnswersItsError(string path, HttpStatusCode status, string code) =>
        await AssertErrorAsync(await _http.GetAsync(new Uri(path, UriKind.Relative)), status, code);

    private async Task<string> InvokeEventAsync(string function, params (string Name, string Value)[] headers)
    {
        var request = Invoke(function, "{}", "Event");
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        var response = await _http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Expected 202, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response.Headers.GetValues("X-Amzn-RequestId").Single();
    }

    private static async Task<string> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        if (code is not null)
        {
            Assert.Equal(code, json.RootElement.GetProperty("errorType").GetString());
        }

        return json.RootElement.GetProperty("errorMessage").GetString()!;
    }
}
