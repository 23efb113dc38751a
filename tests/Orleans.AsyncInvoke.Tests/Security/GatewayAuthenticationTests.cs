using System.Net;
using System.Text.Json;
using static Orleans.AsyncInvoke.Tests.Gateway.LambdaHttp;
using static Orleans.AsyncInvoke.Tests.Security.SecureGatewayFixture;

namespace Orleans.AsyncInvoke.Tests.Security;

/// <summary>Every surface of a gateway with credentials configured: who gets in, in which words a refusal comes.</summary>
[Collection(SecureGatewayCollection.Name)]
[Trait("Category", "Http")]
public sealed class GatewayAuthenticationTests(SecureGatewayFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    private static async Task<(string Type, string Message)> GatewayErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        return (json.RootElement.GetProperty("errorType").GetString()!, json.RootElement.GetProperty("errorMessage").GetString()!);
    }

    private async Task<HttpResponseMessage> CreateFunctionAsync(string name, Func<HttpRequestMessage, Task<HttpRequestMessage>> authenticate) =>
        await _http.SendAsync(await authenticate(Request(HttpMethod.Post, "/2015-03-31/functions",
            $$$"""{"FunctionName":"{{{name}}}","Role":"arn:aws:iam::000000000000:role/r","PackageType":"Image","Code":{"ImageUri":"dotnet:echo"}}""")));

    [Fact]
    public async Task LambdaApi_WhenUnsigned_AnswersMissingAuthenticationToken()
    {
        var response = await _http.SendAsync(Request(HttpMethod.Get, "/2015-03-31/functions"));

        Assert.Equal("Missing Authentication Token", await AssertLambdaErrorAsync(response, HttpStatusCode.Forbidden, "MissingAuthenticationTokenException"));
    }

    [Fact]
    public async Task LambdaApi_WhenSignedByAnAdmin_CreatesAndInvokes()
    {
        var name = $"auth-{Guid.NewGuid():N}";
        var created = await CreateFunctionAsync(name, r => SignAsync(r, AdminKeyId, AdminSecret));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var invoked = await _http.SendAsync(await SignAsync(Invoke(name, """{"a":1}""", "Event"), AdminKeyId, AdminSecret));

        Assert.Equal(HttpStatusCode.Accepted, invoked.StatusCode);
    }

    [Fact]
    public async Task LambdaApi_WhenTheRoleIsRead_DeniesCreateNamingTheActionAndTheResource()
    {
        var name = $"denied-{Guid.NewGuid():N}";

        var message = await AssertLambdaErrorAsync(await CreateFunctionAsync(name, r => SignAsync(r, ReadKeyId, ReadSecret)), HttpStatusCode.Forbidden, "AccessDeniedException");

        Assert.Contains($"user/{ReadKeyId} is not authorized to perform: lambda:CreateFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:*", message, StringComparison.Ordinal);
        var listed = await _http.SendAsync(await SignAsync(Request(HttpMethod.Get, "/2015-03-31/functions"), ReadKeyId, ReadSecret));
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
    }

    [Fact]
    public async Task LambdaApi_WhenTheReadRoleInvokes_DeniesInvokeFunctionOnThatFunction()
    {
        var response = await _http.SendAsync(await SignAsync(Invoke("echo", "{}", "Event"), ReadKeyId, ReadSecret));

        var message = await AssertLambdaErrorAsync(response, HttpStatusCode.Forbidden, "AccessDeniedException");
        Assert.Contains("lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:echo", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LambdaApi_WhenTheBodyIsChangedAfterSigning_AnswersInvalidSignature()
    {
        var request = await SignAsync(Invoke("echo", """{"a":1}""", "Event"), AdminKeyId, AdminSecret);
        request.Headers.Remove("x-amz-content-sha256");
        request.Content = new StringContent("""{"a":2}""");

        var message = await AssertLambdaErrorAsync(await _http.SendAsync(request), HttpStatusCode.Forbidden, "InvalidSignatureException");

        Assert.StartsWith("The request signature we calculated does not match the signature you provided.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LambdaApi_WhenTheSignatureIsSixMinutesOld_AnswersSignatureExpired()
    {
        var response = await _http.SendAsync(await SignAsync(Request(HttpMethod.Get, "/2015-03-31/functions"), AdminKeyId, AdminSecret, DateTimeOffset.UtcNow.AddMinutes(-6)));

        Assert.StartsWith("Signature expired:", await AssertLambdaErrorAsync(response, HttpStatusCode.Forbidden, "InvalidSignatureException"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LambdaApi_WhenTheKeyIsUnknown_AnswersUnrecognizedClient()
    {
        var response = await _http.SendAsync(await SignAsync(Request(HttpMethod.Get, "/2015-03-31/functions"), "AKIANOBODY000000000", "whatever"));

        Assert.Equal("The security token included in the request is invalid.", await AssertLambdaErrorAsync(response, HttpStatusCode.Forbidden, "UnrecognizedClientException"));
    }

    [Fact]
    public async Task LambdaApi_WhenScopedToAnotherRegionOrService_SaysSo()
    {
        var region = await _http.SendAsync(await SignAsync(Request(HttpMethod.Get, "/2015-03-31/functions"), AdminKeyId, AdminSecret, region: "eu-west-1"));
        var service = await _http.SendAsync(await SignAsync(Request(HttpMethod.Get, "/2015-03-31/functions"), AdminKeyId, AdminSecret, service: "sqs"));

        Assert.Contains("valid region", await AssertLambdaErrorAsync(region, HttpStatusCode.Forbidden, "InvalidSignatureException"), StringComparison.Ordinal);
        Assert.Contains("correct service: 'lambda'", await AssertLambdaErrorAsync(service, HttpStatusCode.Forbidden, "InvalidSignatureException"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenFaas_WhenNoKeyIsSent_Answers401WithABearerChallenge()
    {
        var response = await _http.SendAsync(Request(HttpMethod.Post, "/async-function/echo", "{}"));

        var (type, message) = await GatewayErrorAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("UnauthorizedException", type);
        Assert.Contains("Authorization: Bearer", message, StringComparison.Ordinal);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenFaas_WhenTheKeyIsWrong_Answers401InvalidToken()
    {
        var response = await _http.SendAsync(WithBearer(Request(HttpMethod.Post, "/async-function/echo", "{}"), "not-a-key"));

        Assert.Equal("The API key is not valid.", (await GatewayErrorAsync(response, HttpStatusCode.Unauthorized)).Message);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EntryPoints_WhenTheKeyMayInvoke_AcceptAndTheStatusIsReadable()
    {
        var accepted = await _http.SendAsync(WithBearer(Request(HttpMethod.Post, "/async-function/echo", "{}"), InvokeApiKey));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var id = accepted.Headers.GetValues("X-Call-Id").Single();

        var status = await _http.SendAsync(WithBearer(Request(HttpMethod.Get, $"/invocations/{id}"), ReadApiKey));
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        var anonymous = await _http.SendAsync(Request(HttpMethod.Get, $"/invocations/{id}"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task EntryPoints_WhenTheKeyIsReadOnly_DenyInvokeAndManage()
    {
        var invoke = await _http.SendAsync(WithBearer(Request(HttpMethod.Post, "/async-function/echo", "{}"), ReadApiKey));
        var redrive = await _http.SendAsync(WithBearer(Request(HttpMethod.Post, "/destinations/redrive?uri=queue://q", ""), InvokeApiKey));

        var (type, message) = await GatewayErrorAsync(invoke, HttpStatusCode.Forbidden);
        Assert.Equal("AccessDeniedException", type);
        Assert.Contains("user/reader is not authorized to perform: asyncinvoke:InvokeFunction", message, StringComparison.Ordinal);
        Assert.Contains("asyncinvoke:RedriveDeliveries", (await GatewayErrorAsync(redrive, HttpStatusCode.Forbidden)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Azure_WhenTheFunctionKeyComesAsHeaderOrCode_Runs()
    {
        var header = Request(HttpMethod.Post, "/api/echo", """{"azure":1}""");
        header.Headers.Add("x-functions-key", InvokeApiKey);

        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(header)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(Request(HttpMethod.Post, $"/api/echo?code={InvokeApiKey}", "{}"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.SendAsync(Request(HttpMethod.Post, "/api/echo?code=wrong", "{}"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.SendAsync(Request(HttpMethod.Post, "/api/echo", "{}"))).StatusCode);
    }

    [Fact]
    public async Task Queues_WhenSignedWithSigV4_AreServedToo()
    {
        var response = await _http.SendAsync(await SignAsync(Request(HttpMethod.Get, "/queues"), AdminKeyId, AdminSecret, service: "execute-api"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Probes_WhenCalledWithoutCredentials_AnswerButMetricsDoNot()
    {
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(WithBearer(Request(HttpMethod.Get, "/metrics"), ReadApiKey))).StatusCode);
    }

    [Fact]
    public async Task Accepts_WhenOneCallerExceedsItsRate_AnswerCallerRateLimitExceeded()
    {
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        var started = DateTimeOffset.UtcNow;
        for (var i = 0; i < PerPrincipalRate * 3; i++)
        {
            var response = await _http.SendAsync(WithBearer(Request(HttpMethod.Post, "/async-function/echo", "{}"), BurstApiKey));
            statuses.Add(response.StatusCode);
            limited ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        var seconds = (int)Math.Ceiling((DateTimeOffset.UtcNow - started).TotalSeconds);
        var accepted = statuses.Count(s => s == HttpStatusCode.Accepted);
        Assert.NotNull(limited);
        Assert.InRange(accepted, PerPrincipalRate, PerPrincipalRate * (1 + seconds));
        Assert.Equal(PerPrincipalRate * 3, accepted + statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal("TooManyRequestsException", (await GatewayErrorAsync(limited, HttpStatusCode.TooManyRequests)).Type);

        // Another caller is not slowed down by this one.
        Assert.Equal(HttpStatusCode.Accepted, (await _http.SendAsync(WithBearer(Request(HttpMethod.Post, "/async-function/echo", "{}"), InvokeApiKey))).StatusCode);
    }

    [Fact]
    public async Task Accepts_WhenTheLambdaCallerExceedsItsRate_CarryTheReason()
    {
        HttpResponseMessage? limited = null;
        for (var i = 0; i < PerPrincipalRate * 3 && limited is null; i++)
        {
            var request = Invoke("echo", "{}", "Event");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", BurstApiKey);
            var response = await _http.SendAsync(request);
            limited = response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        Assert.NotNull(limited);
        var body = await limited.Content.ReadAsStringAsync();
        Assert.Equal("TooManyRequestsException", limited.Headers.GetValues("X-Amzn-ErrorType").Single());
        Assert.Equal("CallerRateLimitExceeded", JsonDocument.Parse(body).RootElement.GetProperty("Reason").GetString());
    }
}
