using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Orleans.AsyncInvoke.Cli.Http;
using Orleans.AsyncInvoke.Silo.Security;

namespace Orleans.AsyncInvoke.Tests.Cli;

/// <summary>The CLI's Signature Version 4 signer: AWS's published example, and what the silo's verifier computes.</summary>
[Trait("Category", "Unit")]
public sealed class SigV4SignerTests
{
    private static readonly AwsCredentials Example = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
    private static readonly DateTimeOffset ExampleTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    [Fact]
    public void AuthorizationHeader_WhenGivenAwsGetVanilla_MatchesTheTestSuitesSignature()
    {
        var header = SigV4Signer.AuthorizationHeader("GET", "/", "", [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")],
            Convert.ToHexStringLower(SHA256.HashData([])), Example, "us-east-1", "service", ExampleTime);

        Assert.Equal("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, "
            + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", header);
    }

    [Theory]
    [InlineData("POST", "http://127.0.0.1:7071/2015-03-31/functions/echo%3Alive/invocations", """{"a":"b c"}""")]
    [InlineData("GET", "http://127.0.0.1:7071/invocations?function=echo&since=2026-01-01T00%3A00%3A00Z&limit=5", "")]
    [InlineData("PUT", "http://localhost/2019-09-25/functions/echo/event-invoke-config?Qualifier=%24LATEST", """{"MaximumRetryAttempts":0}""")]
    public void Sign_WhenTheSiloRecomputesTheSignature_TheyAgree(string method, string url, string body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url));
        var bytes = Encoding.UTF8.GetBytes(body);
        var now = new DateTimeOffset(2026, 12, 2, 6, 0, 0, TimeSpan.Zero);

        SigV4Signer.Sign(request, bytes, new AwsCredentials("AKIACLI", "cli-secret", null), "us-east-1", "lambda", now);

        var authorization = request.Headers.GetValues("Authorization").Single();
        var parsed = SigV4.ParseHeader(authorization, out var problem);
        Assert.True(parsed is not null, problem);
        var amzDate = request.Headers.GetValues("X-Amz-Date").Single();
        var payloadHash = request.Headers.GetValues("x-amz-content-sha256").Single();
        var uri = request.RequestUri!;
        string? Header(string name) => name == "host" ? uri.Authority : request.Headers.TryGetValues(name, out var values) ? string.Join(',', values) : null;
        var canonical = SigV4.CanonicalRequest(method, uri.AbsolutePath, uri.Query.TrimStart('?'), parsed!.SignedHeaders, Header, payloadHash, presigned: false);

        Assert.Equal(SigV4.Hex(SHA256.HashData(bytes)), payloadHash);
        Assert.Equal(now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture), amzDate);
        Assert.Equal(["host", "x-amz-content-sha256", "x-amz-date"], parsed.SignedHeaders);
        Assert.Equal(SigV4.Sign("cli-secret", parsed, SigV4.StringToSign(amzDate, parsed, canonical)), parsed.Signature);
    }

    [Fact]
    public void Resolve_WhenAnApiKeyAndAwsCredentialsAreBothSet_PrefersTheApiKey()
    {
        var environment = new Dictionary<string, string>
        {
            ["ASYNCINVOKE_API_KEY"] = "from-env",
            ["AWS_ACCESS_KEY_ID"] = "AKID",
            ["AWS_SECRET_ACCESS_KEY"] = "secret",
            ["AWS_DEFAULT_REGION"] = "eu-west-1",
        };

        var fromOption = Credentials.Resolve("from-option", null, environment.GetValueOrDefault);
        var fromEnvironment = Credentials.Resolve(null, null, environment.GetValueOrDefault);
        environment.Remove("ASYNCINVOKE_API_KEY");
        var signed = Credentials.Resolve(null, "ap-south-1", environment.GetValueOrDefault);

        Assert.Equal(("from-option", null, "eu-west-1"), (fromOption.ApiKey, fromOption.Aws, fromOption.Region));
        Assert.Equal("from-env", fromEnvironment.ApiKey);
        Assert.Equal((null, "AKID", "ap-south-1"), (signed.ApiKey, signed.Aws?.AccessKeyId, signed.Region));
    }
}
