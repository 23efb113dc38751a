using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Orleans.AsyncInvoke.Silo.Security;
using static Orleans.AsyncInvoke.Tests.Gateway.LambdaHttp;
using static Orleans.AsyncInvoke.Tests.Security.SecureGatewayFixture;

namespace Orleans.AsyncInvoke.Tests.Security;

/// <summary>The console's sign-in: a session cookie behind the same keys as the API, usable only by the console's own calls.</summary>
[Collection(SecureGatewayCollection.Name)]
[Trait("Category", "Http")]
public sealed class ConsoleSessionTests(SecureGatewayFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });

    [Fact]
    public async Task Login_WithAnApiKey_GivesAnHttpOnlyStrictCookieThatTheConsolesCallsUse()
    {
        var login = await _http.SendAsync(Request(HttpMethod.Post, "/console/login", $$"""{"apiKey":"{{AdminApiKey}}"}"""));
        var cookie = SessionCookie(login);

        var session = await SendAsync(HttpMethod.Get, "/console/session", cookie, consoleHeader: false);
        var stats = await SendAsync(HttpMethod.Get, "/stats", cookie, consoleHeader: true);
        var functions = await SendAsync(HttpMethod.Get, "/2015-03-31/functions", cookie, consoleHeader: true);

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var setCookie = login.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(AdminApiKey, setCookie, StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(await session.Content.ReadAsStringAsync()))
        {
            Assert.Equal((true, true, "ops", "admin"), (json.RootElement.GetProperty("authRequired").GetBoolean(), json.RootElement.GetProperty("authenticated").GetBoolean(),
                json.RootElement.GetProperty("name").GetString(), json.RootElement.GetProperty("role").GetString()));
        }

        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        Assert.Equal(HttpStatusCode.OK, functions.StatusCode);
    }

    [Fact]
    public async Task Login_BehindAProxyThatEndedTls_MarksTheCookieSecure()
    {
        var request = Request(HttpMethod.Post, "/console/login", $$"""{"apiKey":"{{AdminApiKey}}"}""");
        request.Headers.Add("X-Forwarded-Proto", "https");

        var login = await _http.SendAsync(request);

        Assert.Contains("secure", login.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Cookie_WithoutTheConsolesHeader_IsNotACredential()
    {
        var cookie = await LoginAsync(AdminApiKey);

        var stats = await SendAsync(HttpMethod.Get, "/stats", cookie, consoleHeader: false);

        Assert.Equal(HttpStatusCode.Unauthorized, stats.StatusCode);
    }

    [Fact]
    public async Task Login_WithAWrongKeyOrNoKey_Answers401AndSetsNoCookie()
    {
        var wrong = await _http.SendAsync(Request(HttpMethod.Post, "/console/login", """{"apiKey":"not-a-key"}"""));
        var none = await _http.SendAsync(Request(HttpMethod.Post, "/console/login", "{}"));
        var malformed = await _http.SendAsync(Request(HttpMethod.Post, "/console/login", "{\"apiKey\":"));

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.False(wrong.Headers.Contains("Set-Cookie"));
        Assert.Contains("not valid", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-key", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task Login_WithASigV4Credential_SignsInUnderItsRole()
    {
        var login = await _http.SendAsync(Request(HttpMethod.Post, "/console/login", $$"""{"accessKeyId":"{{ReadKeyId}}","secretAccessKey":"{{ReadSecret}}"}"""));
        var cookie = SessionCookie(login);
        var wrongSecret = await _http.SendAsync(Request(HttpMethod.Post, "/console/login", $$"""{"accessKeyId":"{{ReadKeyId}}","secretAccessKey":"nope"}"""));

        var read = await SendAsync(HttpMethod.Get, "/stats", cookie, consoleHeader: true);
        var manage = await SendAsync(HttpMethod.Post, "/functions/anything/redrive", cookie, consoleHeader: true, body: "{}");

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, manage.StatusCode);
        Assert.Contains("asyncinvoke:RedriveFunction", await manage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
    }

    [Fact]
    public async Task Dashboard_WithoutASession_SendsABrowserToSignInAndRefusesAScript_AndOpensWithAKey()
    {
        var browser = new HttpRequestMessage(HttpMethod.Get, new Uri("/dashboard/", UriKind.Relative));
        browser.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        var script = await _http.GetAsync(new Uri("/dashboard/", UriKind.Relative));
        var withKey = new HttpRequestMessage(HttpMethod.Get, new Uri("/dashboard/", UriKind.Relative));
        withKey.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ReadApiKey);
        var cookie = await LoginAsync(ReadApiKey);

        var redirected = await _http.SendAsync(browser);
        var opened = await _http.SendAsync(withKey);
        var withSession = await SendAsync(HttpMethod.Get, "/dashboard/", cookie, consoleHeader: false);

        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
        Assert.StartsWith("/console/?signin=", redirected.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, script.StatusCode);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withSession.StatusCode);
    }

    [Fact]
    public async Task Session_WhenForgedExpiredOrOfARemovedKey_IsRefused()
    {
        var now = DateTimeOffset.UtcNow;
        var settings = new AuthOptions();
        settings.ApiKeys["ops"] = new ApiKeyOptions { Key = AdminApiKey };
        var valid = ConsoleSession.Issue('k', "ops", AdminApiKey, now);
        var parts = valid.Split('.');
        var forgedName = string.Join('.', parts[0], parts[1], Convert.ToBase64String("reader"u8.ToArray()).TrimEnd('='), parts[3], parts[4]);
        var forgedExpiry = string.Join('.', parts[0], parts[1], parts[2], (long.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture) + 3600).ToString(System.Globalization.CultureInfo.InvariantCulture), parts[4]);
        var signedWithAnotherKey = ConsoleSession.Issue('k', "ops", "some-other-key", now);

        Assert.Equal("ops", ConsoleSession.Verify(valid, settings, now)?.Name);
        Assert.Null(ConsoleSession.Verify(valid, settings, now + ConsoleSession.Lifetime));
        Assert.Null(ConsoleSession.Verify(forgedName, settings, now));
        Assert.Null(ConsoleSession.Verify(forgedExpiry, settings, now));
        Assert.Null(ConsoleSession.Verify(signedWithAnotherKey, settings, now));
        Assert.Null(ConsoleSession.Verify(valid, new AuthOptions(), now));
        Assert.Null(ConsoleSession.Verify("v1.k.!!!.1.x", settings, now));

        var forgedOverHttp = await SendAsync(HttpMethod.Get, "/stats", forgedExpiry, consoleHeader: true);
        Assert.Equal(HttpStatusCode.Unauthorized, forgedOverHttp.StatusCode);
    }

    private async Task<string> LoginAsync(string apiKey) =>
        SessionCookie(await _http.SendAsync(Request(HttpMethod.Post, "/console/login", $$"""{"apiKey":"{{apiKey}}"}""")));

    private static string SessionCookie(HttpResponseMessage login)
    {
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var header = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(ConsoleSession.CookieName + "=", StringComparison.Ordinal));
        return header[(ConsoleSession.CookieName.Length + 1)..].Split(';')[0];
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string cookie, bool consoleHeader, string? body = null)
    {
        var request = Request(method, path, body);
        request.Headers.Add("Cookie", $"{ConsoleSession.CookieName}={cookie}");
        if (consoleHeader)
        {
            request.Headers.Add(ConsoleSession.HeaderName, "1");
        }

        return _http.SendAsync(request);
    }
}
