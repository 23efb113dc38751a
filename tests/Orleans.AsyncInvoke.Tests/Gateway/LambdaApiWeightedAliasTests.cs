using System.Net;
using System.Text.Json;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using static Orleans.AsyncInvoke.Tests.Gateway.LambdaHttp;

namespace Orleans.AsyncInvoke.Tests.Gateway;

/// <summary>Alias <c>RoutingConfig</c>: invocations split between two versions by weight, the version that ran reported.</summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "Http")]
public sealed class LambdaApiWeightedAliasTests(GatewayFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    /// <summary>A function with published versions 1 and 2 (which differ in an environment variable).</summary>
    private async Task<string> CreateTwoVersionsAsync()
    {
        var fn = $"weighted-{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.Created, (await _http.SendAsync(Request(HttpMethod.Post, "/2015-03-31/functions",
            $$"""{"FunctionName":"{{fn}}","Role":"arn:aws:iam::000000000000:role/r","PackageType":"Image","Code":{"ImageUri":"dotnet:echo"},"Publish":true}"""))).StatusCode);
        await _http.SendAsync(Request(HttpMethod.Put, $"/2015-03-31/functions/{fn}/configuration", """{"Environment":{"Variables":{"V":"2"}}}"""));
        Assert.Equal(HttpStatusCode.Created, (await _http.SendAsync(Request(HttpMethod.Post, $"/2015-03-31/functions/{fn}/versions", "{}"))).StatusCode);
        return fn;
    }

    private Task<HttpResponseMessage> CreateAliasAsync(string fn, string body) =>
        _http.SendAsync(Request(HttpMethod.Post, $"/2015-03-31/functions/{fn}/aliases", body));

    [Fact]
    public async Task CreateAlias_WithRoutingConfig_StoresAndReturnsIt()
    {
        var fn = await CreateTwoVersionsAsync();

        var created = await CreateAliasAsync(fn, """{"Name":"live","FunctionVersion":"1","RoutingConfig":{"AdditionalVersionWeights":{"2":0.25}}}""");
        var got = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"/2015-03-31/functions/{fn}/aliases/live", UriKind.Relative))).RootElement;
        var listed = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"/2015-03-31/functions/{fn}/aliases", UriKind.Relative))).RootElement;

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("""{"AdditionalVersionWeights":{"2":0.25}}""", body.GetProperty("RoutingConfig").GetRawText());
        Assert.Equal("""{"AdditionalVersionWeights":{"2":0.25}}""", got.GetProperty("RoutingConfig").GetRawText());
        Assert.Equal("""{"AdditionalVersionWeights":{"2":0.25}}""", listed.GetProperty("Aliases")[0].GetProperty("RoutingConfig").GetRawText());
    }

    [Fact]
    public async Task Invoke_ThroughAWeightedAlias_SplitsByWeightAndReportsTheExecutedVersion()
    {
        var fn = await CreateTwoVersionsAsync();
        await CreateAliasAsync(fn, """{"Name":"live","FunctionVersion":"1","RoutingConfig":{"AdditionalVersionWeights":{"2":0.3}}}""");

        var versions = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            var response = await _http.SendAsync(Invoke($"{fn}:live", "{}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            versions.Add(response.Headers.GetValues("X-Amz-Executed-Version").Single());
        }

        // 200 draws at 0.3: 60 expected, standard deviation 6.5; the bound is over 4.5 of them either side.
        var onSecond = versions.Count(v => v == "2");
        Assert.All(versions, v => Assert.Contains(v, new[] { "1", "2" }));
        Assert.InRange(onSecond, 30, 90);
    }

    [Theory]
    [InlineData(1.0, "2")]
    [InlineData(0.0, "1")]
    public async Task Invoke_WhenAnEventGoesThroughAWeightedAlias_TheRecordNamesTheVersionThatRan(double weight, string expected)
    {
        var fn = await CreateTwoVersionsAsync();
        await CreateAliasAsync(fn, $$$$"""{"Name":"live","FunctionVersion":"1","RoutingConfig":{"AdditionalVersionWeights":{"2":{{{{weight.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}}}}}""");

        var accepted = await _http.SendAsync(Invoke($"{fn}:live", """{"e":1}""", "Event"));
        var id = accepted.Headers.GetValues("X-Amzn-RequestId").Single();
        await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);
        using var status = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"/invocations/{id}", UriKind.Relative)));
        var record = status.RootElement.GetProperty("record");

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("live", status.RootElement.GetProperty("qualifier").GetString());
        Assert.Equal(expected, record.GetProperty("responseContext").GetProperty("executedVersion").GetString());
        Assert.Equal($"arn:aws:lambda:us-east-1:000000000000:function:{fn}:{expected}", record.GetProperty("requestContext").GetProperty("functionArn").GetString());
    }

    [Fact]
    public async Task CreateAlias_WhenTheRoutingConfigBreaksARule_FailsAsLambdaDoes()
    {
        var fn = await CreateTwoVersionsAsync();

        var tooMany = await CreateAliasAsync(fn, """{"Name":"a","FunctionVersion":"1","RoutingConfig":{"AdditionalVersionWeights":{"1":0.8,"2":0.2}}}""");
        var tooHigh = await CreateAliasAsync(fn, """{"Name":"a","FunctionVersion":"1","RoutingConfig":{"AdditionalVersionWeights":{"2":2}}}""");
        var same = await CreateAliasAsync(fn, """{"Name":"a","FunctionVersion":"1","RoutingConfig":{"AdditionalVersionWeights":{"1":0.5}}}""");
        var latest = await CreateAliasAsync(fn, """{"Name":"a","FunctionVersion":"$LATEST","RoutingConfig":{"AdditionalVersionWeights":{"1":0.5}}}""");
        var missing = await CreateAliasAsync(fn, """{"Name":"a","FunctionVersion":"1","RoutingConfig":{"AdditionalVersionWeights":{"10":0.5}}}""");
        var notANumber = await CreateAliasAsync(fn, """{"Name":"a","FunctionVersion":"1","RoutingConfig":{"AdditionalVersionWeights":{"2":"half"}}}""");
        var empty = await CreateAliasAsync(fn, """{"Name":"plain","FunctionVersion":"1","RoutingConfig":{"AdditionalVersionWeights":{}}}""");

        Assert.Equal("Number of items in AdditionalVersionWeights cannot be greater than 1", await AssertLambdaErrorAsync(tooMany, HttpStatusCode.BadRequest, "InvalidParameterValueException"));
        Assert.StartsWith("1 validation error detected: Value '{2=2.0}' at 'routingConfig.additionalVersionWeights'", await AssertLambdaErrorAsync(tooHigh, HttpStatusCode.BadRequest, "ValidationException"), StringComparison.Ordinal);
        Assert.Equal("Invalid function version 1. Function version 1 is already included in routing configuration.", await AssertLambdaErrorAsync(same, HttpStatusCode.BadRequest, "InvalidParameterValueException"));
        Assert.Equal("$LATEST is not supported for an alias pointing to more than 1 version", await AssertLambdaErrorAsync(latest, HttpStatusCode.BadRequest, "InvalidParameterValueException"));
        Assert.Equal($"Function not found: arn:aws:lambda:us-east-1:000000000000:function:{fn}:10", await AssertLambdaErrorAsync(missing, HttpStatusCode.NotFound, "ResourceNotFoundException"));
        await AssertLambdaErrorAsync(notANumber, HttpStatusCode.BadRequest, "InvalidRequestContentException");
        Assert.Equal(HttpStatusCode.Created, empty.StatusCode);
        Assert.False(JsonDocument.Parse(await empty.Content.ReadAsStringAsync()).RootElement.TryGetProperty("RoutingConfig", out _));
        await AssertLambdaErrorAsync(await _http.GetAsync(new Uri($"/2015-03-31/functions/{fn}/aliases/a", UriKind.Relative)), HttpStatusCode.NotFound, "ResourceNotFoundException");
    }

    [Fact]
    public async Task UpdateAlias_WhenRoutingConfigIsOmittedEmptiedOrConflicting_KeepsRemovesOrRefusesIt()
    {
        var fn = await CreateTwoVersionsAsync();
        await CreateAliasAsync(fn, """{"Name":"live","FunctionVersion":"1","RoutingConfig":{"AdditionalVersionWeights":{"2":0.5}}}""");
        var path = $"/2015-03-31/functions/{fn}/aliases/live";

        var described = JsonDocument.Parse(await (await _http.SendAsync(Request(HttpMethod.Put, path, """{"Description":"kept"}"""))).Content.ReadAsStringAsync()).RootElement;
        var conflicting = await _http.SendAsync(Request(HttpMethod.Put, path, """{"FunctionVersion":"2"}"""));
        var deleteInUse = await _http.DeleteAsync(new Uri($"/2015-03-31/functions/{fn}?Qualifier=2", UriKind.Relative));
        var cleared = JsonDocument.Parse(await (await _http.SendAsync(Request(HttpMethod.Put, path, """{"RoutingConfig":{}}"""))).Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("""{"AdditionalVersionWeights":{"2":0.5}}""", described.GetProperty("RoutingConfig").GetRawText());
        Assert.Equal("Invalid function version 2. Function version 2 is already included in routing configuration.", await AssertLambdaErrorAsync(conflicting, HttpStatusCode.BadRequest, "InvalidParameterValueException"));
        Assert.Equal("Unable to delete version because the following aliases reference it: [live]", await AssertLambdaErrorAsync(deleteInUse, HttpStatusCode.Conflict, "ResourceConflictException"));
        Assert.False(cleared.TryGetProperty("RoutingConfig", out _));
        Assert.Equal("1", (await _http.SendAsync(Invoke($"{fn}:live", "{}"))).Headers.GetValues("X-Amz-Executed-Version").Single());
    }
}
