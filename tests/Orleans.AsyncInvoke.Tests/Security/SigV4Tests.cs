using Orleans.AsyncInvoke.Silo.Security;

namespace Orleans.AsyncInvoke.Tests.Security;

/// <summary>Signature Version 4 against AWS's published test suite (<c>aws-sig-v4-test-suite</c>).</summary>
[Trait("Category", "Unit")]
public sealed class SigV4Tests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static string SignatureOf(string method, string path, string query)
    {
        var signature = SigV4.ParseHeader("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=x", out var problem)!;
        Assert.Null(problem);
        var headers = new Dictionary<string, string> { ["host"] = "example.amazonaws.com", ["x-amz-date"] = "20150830T123600Z" };
        var canonical = SigV4.CanonicalRequest(method, path, query, signature.SignedHeaders, n => headers.GetValueOrDefault(n), EmptyHash, presigned: false);
        return SigV4.Sign(Secret, signature, SigV4.StringToSign("20150830T123600Z", signature, canonical));
    }

    [Fact]
    public void Sign_WhenGivenGetVanilla_MatchesTheSuite() =>
        Assert.Equal("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", SignatureOf("GET", "/", ""));

    [Fact]
    public void Sign_WhenTheQueryIsOutOfOrder_SortsItAsTheSuiteDoes() =>
        Assert.Equal("b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500", SignatureOf("GET", "/", "Param2=value2&Param1=value1"));

    [Fact]
    public void ParseHeader_WhenAPartIsMissing_SaysWhichOne()
    {
        Assert.Null(SigV4.ParseHeader("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/lambda/aws4_request, Signature=abc", out var problem));
        Assert.Contains("requires 'SignedHeaders' parameter", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AKID/2015083/us-east-1/lambda/aws4_request")]
    [InlineData("AKID/20150830/us-east-1/lambda")]
    [InlineData("AKID/20150830/us-east-1/lambda/aws5_request")]
    public void ParseHeader_WhenTheScopeIsMalformed_RefusesIt(string credential)
    {
        Assert.Null(SigV4.ParseHeader($"AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders=host, Signature=abc", out var problem));
        Assert.StartsWith("Credential should be scoped", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void CanonicalRequest_WhenThePathIsEncoded_EncodesItOnceMore()
    {
        var signature = SigV4.ParseHeader("AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=x", out _)!;
        var canonical = SigV4.CanonicalRequest("POST", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Aecho/invocations", "",
            signature.SignedHeaders, _ => "h", EmptyHash, presigned: false);

        Assert.Equal("/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-east-1%253A000000000000%253Afunction%253Aecho/invocations", canonical.Split('\n')[1]);
    }
}
