using System.Net;
using System.Text.Json;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using static Orleans.AsyncInvoke.Tests.Gateway.LambdaHttp;

namespace Orleans.AsyncInvoke.Tests.Gateway;

/// <summary>The calls Terraform's AWS provider, SAM and CDK make around a function: tags, policy, settings.</summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "Http")]
public sealed class LambdaApiInfrastructureCallsTests(GatewayFixture fixture)
{
    private const string Arn = "arn:aws:lambda:us-east-1:000000000000:function:";
    private readonly HttpClient _http = fixture.CreateClient();

    private async Task<string> CreateFunctionAsync(string extra = "")
    {
        var name = $"infra-{Guid.NewGuid():N}";
        var response = await _http.SendAsync(Request(HttpMethod.Post, "/2015-03-31/functions",
            $$$"""{"FunctionName":"{{{name}}}","Role":"arn:aws:iam::000000000000:role/r","PackageType":"Image","Code":{"ImageUri":"dotnet:echo"}{{{extra}}}}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return name;
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: expected 200, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static string Tags(string fn) => $"/2017-03-31/tags/{Uri.EscapeDataString(Arn + fn)}";

    [Fact]
    public async Task ListTags_WhenTheFunctionWasCreatedWithTags_ReturnsThemAndGetFunctionCarriesThem()
    {
        var fn = await CreateFunctionAsync(""","Tags":{"team":"core","env":"dev"}""");

        var listed = await GetJsonAsync(Tags(fn));
        var got = await GetJsonAsync($"/2015-03-31/functions/{fn}");

        Assert.Equal("""{"env":"dev","team":"core"}""", listed.GetProperty("Tags").GetRawText());
        Assert.Equal("""{"env":"dev","team":"core"}""", got.GetProperty("Tags").GetRawText());
    }

    [Fact]
    public async Task TagResource_ThenUntagResource_AddOverwriteAndRemoveTags()
    {
        var fn = await CreateFunctionAsync(""","Tags":{"a":"1"}""");

        var tag = await _http.SendAsync(Request(HttpMethod.Post, Tags(fn), """{"Tags":{"a":"2","b":"3","c":"4"}}"""));
        var untag = await _http.SendAsync(Request(HttpMethod.Delete, $"{Tags(fn)}?tagKeys=b&tagKeys=missing"));

        Assert.Equal(HttpStatusCode.NoContent, tag.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, untag.StatusCode);
        Assert.Equal("""{"a":"2","c":"4"}""", (await GetJsonAsync(Tags(fn))).GetProperty("Tags").GetRawText());
    }

    [Fact]
    public async Task ListTags_WhenTheFunctionHasNone_ReturnsAnEmptyMapAndGetFunctionOmitsTags()
    {
        var fn = await CreateFunctionAsync();

        Assert.Equal("{}", (await GetJsonAsync(Tags(fn))).GetProperty("Tags").GetRawText());
        Assert.False((await GetJsonAsync($"/2015-03-31/functions/{fn}")).TryGetProperty("Tags", out _));
    }

    [Fact]
    public async Task TagResource_WhenTheArnIsQualifiedMissingOrMalformed_FailsAsLambdaDoes()
    {
        var fn = await CreateFunctionAsync();

        var qualified = await _http.SendAsync(Request(HttpMethod.Post, $"/2017-03-31/tags/{Uri.EscapeDataString(Arn + fn + ":$LATEST")}", """{"Tags":{"a":"1"}}"""));
        var missing = await _http.GetAsync(new Uri(Tags("nope-" + fn), UriKind.Relative));
        var foreign = await _http.GetAsync(new Uri($"/2017-03-31/tags/{Uri.EscapeDataString($"arn:aws:lambda:eu-west-1:123456789012:function:{fn}")}", UriKind.Relative));
        var malformed = await _http.GetAsync(new Uri($"/2017-03-31/tags/{fn}", UriKind.Relative));
        var empty = await _http.SendAsync(Request(HttpMethod.Post, Tags(fn), """{"Tags":{}}"""));
        var noKeys = await _http.SendAsync(Request(HttpMethod.Delete, Tags(fn)));

        Assert.Equal("Tags on function aliases and versions are not supported. Please specify a function ARN.",
            await AssertLambdaErrorAsync(qualified, HttpStatusCode.BadRequest, "InvalidParameterValueException"));
        Assert.Equal($"Function not found: {Arn}nope-{fn}", await AssertLambdaErrorAsync(missing, HttpStatusCode.NotFound, "ResourceNotFoundException"));
        Assert.Equal($"Function not found: arn:aws:lambda:eu-west-1:123456789012:function:{fn}", await AssertLambdaErrorAsync(foreign, HttpStatusCode.NotFound, "ResourceNotFoundException"));
        Assert.StartsWith($"1 validation error detected: Value '{fn}' at 'resource' failed to satisfy constraint",
            await AssertLambdaErrorAsync(malformed, HttpStatusCode.BadRequest, "ValidationException"), StringComparison.Ordinal);
        Assert.Equal("An error occurred and the request cannot be processed.", await AssertLambdaErrorAsync(empty, HttpStatusCode.BadRequest, "InvalidParameterValueException"));
        Assert.Equal("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null",
            await AssertLambdaErrorAsync(noKeys, HttpStatusCode.BadRequest, "ValidationException"));
    }

    [Fact]
    public async Task TagResource_WhenOver50Tags_IsInvalidParameterValue()
    {
        var fn = await CreateFunctionAsync();
        var tags = string.Join(",", Enumerable.Range(0, 51).Select(i => $"\"k{i}\":\"v\""));

        var response = await _http.SendAsync(Request(HttpMethod.Post, Tags(fn), "{\"Tags\":{" + tags + "}}"));

        Assert.Equal("Number of tags exceeds resource tag limit.", await AssertLambdaErrorAsync(response, HttpStatusCode.BadRequest, "InvalidParameterValueException"));
    }

    [Fact]
    public async Task AddPermission_ThenGetPolicy_ReturnsTheStatementsInIamsShapeWithTheRevisionId()
    {
        var fn = await CreateFunctionAsync();
        var path = $"/2015-03-31/functions/{fn}/policy";

        var added = await _http.SendAsync(Request(HttpMethod.Post, path,
            """{"StatementId":"s3","Action":"lambda:InvokeFunction","Principal":"s3.amazonaws.com","SourceArn":"arn:aws:s3:::bucket","SourceAccount":"000000000000"}"""));
        await _http.SendAsync(Request(HttpMethod.Post, path, """{"StatementId":"acct","Action":"lambda:*","Principal":"111122223333"}"""));
        var policy = await GetJsonAsync(path);
        var configuration = await GetJsonAsync($"/2015-03-31/functions/{fn}/configuration");

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var statement = JsonDocument.Parse(JsonDocument.Parse(await added.Content.ReadAsStringAsync()).RootElement.GetProperty("Statement").GetString()!).RootElement;
        Assert.Equal(
            $$$$"""{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"{{{{Arn}}}}{{{{fn}}}}","Condition":{"StringEquals":{"AWS:SourceAccount":"000000000000"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::bucket"}}}""",
            statement.GetRawText());
        var document = JsonDocument.Parse(policy.GetProperty("Policy").GetString()!).RootElement;
        Assert.Equal("2012-10-17", document.GetProperty("Version").GetString());
        Assert.Equal("default", document.GetProperty("Id").GetString());
        Assert.Equal(["s3", "acct"], document.GetProperty("Statement").EnumerateArray().Select(s => s.GetProperty("Sid").GetString()));
        Assert.Equal("""{"AWS":"arn:aws:iam::111122223333:root"}""", document.GetProperty("Statement")[1].GetProperty("Principal").GetRawText());
        Assert.Equal(configuration.GetProperty("RevisionId").GetString(), policy.GetProperty("RevisionId").GetString());
    }

    [Fact]
    public async Task AddPermission_WhenTheStatementIdIsTaken_IsResourceConflict()
    {
        var fn = await CreateFunctionAsync();
        var path = $"/2015-03-31/functions/{fn}/policy";
        const string Body = """{"StatementId":"dup","Action":"lambda:InvokeFunction","Principal":"events.amazonaws.com"}""";
        await _http.SendAsync(Request(HttpMethod.Post, path, Body));

        var again = await _http.SendAsync(Request(HttpMethod.Post, path, Body));

        Assert.Equal("The statement id (dup) provided already exists. Please provide a new statement id, or remove the existing statement.",
            await AssertLambdaErrorAsync(again, HttpStatusCode.Conflict, "ResourceConflictException"));
    }

    [Fact]
    public async Task AddPermission_WhenTheRequestBreaksARule_FailsAsLambdaDoes()
    {
        var fn = await CreateFunctionAsync();
        var path = $"/2015-03-31/functions/{fn}/policy";

        var principal = await _http.SendAsync(Request(HttpMethod.Post, path, """{"StatementId":"p","Action":"lambda:InvokeFunction","Principal":"somebody"}"""));
        var missing = await _http.SendAsync(Request(HttpMethod.Post, path, """{"Action":"lambda:InvokeFunction"}"""));
        var action = await _http.SendAsync(Request(HttpMethod.Post, path, """{"StatementId":"a","Action":"s3:GetObject","Principal":"*"}"""));
        var latest = await _http.SendAsync(Request(HttpMethod.Post, $"{path}?Qualifier=$LATEST", """{"StatementId":"l","Action":"lambda:InvokeFunction","Principal":"*"}"""));
        var stale = await _http.SendAsync(Request(HttpMethod.Post, path, """{"StatementId":"r","Action":"lambda:InvokeFunction","Principal":"*","RevisionId":"not-the-revision"}"""));
        var noFunction = await _http.SendAsync(Request(HttpMethod.Post, $"/2015-03-31/functions/nope-{fn}/policy", """{"StatementId":"n","Action":"lambda:InvokeFunction","Principal":"*"}"""));

        Assert.Equal("The provided principal was invalid. Please check the principal and try again.", await AssertLambdaErrorAsync(principal, HttpStatusCode.BadRequest, "InvalidParameterValueException"));
        Assert.Equal("2 validation errors detected: Value null at 'statementId' failed to satisfy constraint: Member must not be null; Value null at 'principal' failed to satisfy constraint: Member must not be null",
            await AssertLambdaErrorAsync(missing, HttpStatusCode.BadRequest, "ValidationException"));
        Assert.Equal("1 validation error detected: Value 's3:GetObject' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])",
            await AssertLambdaErrorAsync(action, HttpStatusCode.BadRequest, "ValidationException"));
        Assert.Equal("We currently do not support adding policies for $LATEST.", await AssertLambdaErrorAsync(latest, HttpStatusCode.BadRequest, "InvalidParameterValueException"));
        Assert.StartsWith("The Revision Id provided does not match the latest Revision Id.", await AssertLambdaErrorAsync(stale, HttpStatusCode.PreconditionFailed, "PreconditionFailedException"), StringComparison.Ordinal);
        Assert.Equal($"Function not found: {Arn}nope-{fn}", await AssertLambdaErrorAsync(noFunction, HttpStatusCode.NotFound, "ResourceNotFoundException"));
    }

    [Fact]
    public async Task RemovePermission_WhenTheLastStatementGoes_LeavesNoPolicy()
    {
        var fn = await CreateFunctionAsync();
        var path = $"/2015-03-31/functions/{fn}/policy";
        var before = await _http.GetAsync(new Uri(path, UriKind.Relative));
        await _http.SendAsync(Request(HttpMethod.Post, path, """{"StatementId":"only","Action":"lambda:InvokeFunction","Principal":"sns.amazonaws.com"}"""));

        var unknown = await _http.DeleteAsync(new Uri($"{path}/other", UriKind.Relative));
        var removed = await _http.DeleteAsync(new Uri($"{path}/only", UriKind.Relative));
        var after = await _http.GetAsync(new Uri(path, UriKind.Relative));
        var again = await _http.DeleteAsync(new Uri($"{path}/only", UriKind.Relative));

        Assert.Equal("The resource you requested does not exist.", await AssertLambdaErrorAsync(before, HttpStatusCode.NotFound, "ResourceNotFoundException"));
        Assert.Equal("Statement other is not found in resource policy.", await AssertLambdaErrorAsync(unknown, HttpStatusCode.NotFound, "ResourceNotFoundException"));
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal("The resource you requested does not exist.", await AssertLambdaErrorAsync(after, HttpStatusCode.NotFound, "ResourceNotFoundException"));
        Assert.Equal("No policy is associated with the given resource.", await AssertLambdaErrorAsync(again, HttpStatusCode.NotFound, "ResourceNotFoundException"));
    }

    [Fact]
    public async Task AddPermission_WhenQualifiedWithAnAlias_IsThatAliasesPolicyOnly()
    {
        var fn = await CreateFunctionAsync();
        await _http.SendAsync(Request(HttpMethod.Post, $"/2015-03-31/functions/{fn}/versions", "{}"));
        await _http.SendAsync(Request(HttpMethod.Post, $"/2015-03-31/functions/{fn}/aliases", """{"Name":"live","FunctionVersion":"1"}"""));

        var added = await _http.SendAsync(Request(HttpMethod.Post, $"/2015-03-31/functions/{fn}/policy?Qualifier=live", """{"StatementId":"gw","Action":"lambda:InvokeFunction","Principal":"apigateway.amazonaws.com"}"""));
        var aliasPolicy = await GetJsonAsync($"/2015-03-31/functions/{fn}/policy?Qualifier=live");
        var unqualified = await _http.GetAsync(new Uri($"/2015-03-31/functions/{fn}/policy", UriKind.Relative));
        var alias = await GetJsonAsync($"/2015-03-31/functions/{fn}/aliases/live");

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var statement = JsonDocument.Parse(aliasPolicy.GetProperty("Policy").GetString()!).RootElement.GetProperty("Statement")[0];
        Assert.Equal($"{Arn}{fn}:live", statement.GetProperty("Resource").GetString());
        Assert.Equal(alias.GetProperty("RevisionId").GetString(), aliasPolicy.GetProperty("RevisionId").GetString());
        await AssertLambdaErrorAsync(unqualified, HttpStatusCode.NotFound, "ResourceNotFoundException");
    }

    [Fact]
    public async Task GetAccountSettings_Always_ReportsTheLimitsAndTheFunctionCount()
    {
        var fn = await CreateFunctionAsync();
        await _http.SendAsync(Request(HttpMethod.Put, $"/2017-10-31/functions/{fn}/concurrency", """{"ReservedConcurrentExecutions":5}"""));

        var settings = await GetJsonAsync("/2016-08-19/account-settings");

        var limit = settings.GetProperty("AccountLimit");
        var usage = settings.GetProperty("AccountUsage");
        Assert.Equal(int.MaxValue, limit.GetProperty("ConcurrentExecutions").GetInt64());
        Assert.True(limit.GetProperty("UnreservedConcurrentExecutions").GetInt64() <= int.MaxValue - 5);
        Assert.True(limit.GetProperty("TotalCodeSize").GetInt64() > 0);
        Assert.True(limit.GetProperty("CodeSizeZipped").GetInt64() > 0);
        Assert.True(limit.GetProperty("CodeSizeUnzipped").GetInt64() > 0);
        Assert.True(usage.GetProperty("FunctionCount").GetInt32() >= 1);
        Assert.Equal(0, usage.GetProperty("TotalCodeSize").GetInt64());
    }

    [Fact]
    public async Task GetFunctionCodeSigningConfig_WhenNoneIsAttached_IsAnEmptyObject()
    {
        var fn = await CreateFunctionAsync();

        var config = await GetJsonAsync($"/2020-06-30/functions/{fn}/code-signing-config");
        var missing = await _http.GetAsync(new Uri($"/2020-06-30/functions/nope-{fn}/code-signing-config", UriKind.Relative));

        Assert.Equal("{}", config.GetRawText());
        Assert.Equal($"Function not found: {Arn}nope-{fn}", await AssertLambdaErrorAsync(missing, HttpStatusCode.NotFound, "ResourceNotFoundException"));
    }

    [Fact]
    public async Task GetFunctionUrlConfig_Always_IsResourceNotFound()
    {
        var fn = await CreateFunctionAsync();

        var response = await _http.GetAsync(new Uri($"/2021-10-31/functions/{fn}/url", UriKind.Relative));

        Assert.Equal("The resource you requested does not exist.", await AssertLambdaErrorAsync(response, HttpStatusCode.NotFound, "ResourceNotFoundException"));
    }

    [Fact]
    public async Task GetRuntimeManagementConfig_WhenTheFunctionExists_IsAuto()
    {
        var fn = await CreateFunctionAsync();

        var config = await GetJsonAsync($"/2021-07-20/functions/{fn}/runtime-management-config");
        var missing = await _http.GetAsync(new Uri($"/2021-07-20/functions/nope-{fn}/runtime-management-config", UriKind.Relative));

        Assert.Equal($$"""{"UpdateRuntimeOn":"Auto","FunctionArn":"{{Arn}}{{fn}}"}""", config.GetRawText());
        await AssertLambdaErrorAsync(missing, HttpStatusCode.NotFound, "ResourceNotFoundException");
    }

    [Fact]
    public async Task GetFunctionConcurrencyAndListVersionsByFunction_WhenNothingIsSet_AnswerWithLambdasShapes()
    {
        var fn = await CreateFunctionAsync();

        var concurrency = await GetJsonAsync($"/2019-09-30/functions/{fn}/concurrency");
        var versions = await GetJsonAsync($"/2015-03-31/functions/{fn}/versions");

        Assert.Equal("{}", concurrency.GetRawText());
        Assert.Equal(["$LATEST"], versions.GetProperty("Versions").EnumerateArray().Select(v => v.GetProperty("Version").GetString()));
    }

    [Fact]
    public async Task DeleteFunction_WhenItHadTagsAndAPolicy_ARecreatedFunctionStartsWithNone()
    {
        var fn = await CreateFunctionAsync(""","Tags":{"a":"1"}""");
        await _http.SendAsync(Request(HttpMethod.Post, $"/2015-03-31/functions/{fn}/policy", """{"StatementId":"x","Action":"lambda:InvokeFunction","Principal":"*"}"""));
        await _http.DeleteAsync(new Uri($"/2015-03-31/functions/{fn}", UriKind.Relative));
        await _http.SendAsync(Request(HttpMethod.Post, "/2015-03-31/functions",
            $$$"""{"FunctionName":"{{{fn}}}","Role":"arn:aws:iam::000000000000:role/r","PackageType":"Image","Code":{"ImageUri":"dotnet:echo"}}"""));

        Assert.Equal("{}", (await GetJsonAsync(Tags(fn))).GetProperty("Tags").GetRawText());
        await AssertLambdaErrorAsync(await _http.GetAsync(new Uri($"/2015-03-31/functions/{fn}/policy", UriKind.Relative)), HttpStatusCode.NotFound, "ResourceNotFoundException");
    }
}
