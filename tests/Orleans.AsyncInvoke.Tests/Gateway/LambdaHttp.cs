using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Orleans.AsyncInvoke.Tests.Gateway;

/// <summary>Small helpers for raw HTTP calls and Lambda error assertions.</summary>
internal static class LambdaHttp
{
    public static HttpRequestMessage Request(HttpMethod method, string path, string? body = null, string? contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        }

        return request;
    }

    public static HttpRequestMessage Invoke(string function, string body, string? invocationType = null)
    {
        var request = Request(HttpMethod.Post, $"/2015-03-31/functions/{function}/invocations", body, "application/octet-stream");
        if (invocationType is not null)
        {
            request.Headers.Add("X-Amz-Invocation-Type", invocationType);
        }

        return request;
    }

    /// <summary>Asserts Lambda's error wire format and returns the message.</summary>
    public static async Task<string> AssertLambdaErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal(code, response.Headers.GetValues("X-Amzn-ErrorType").Single());
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal((int)status >= 500 ? "Service" : "User", root.GetProperty("Type").GetString());
        Assert.Equal(code, root.GetProperty("__type").GetString());
        var capitalised = code is "ResourceNotFoundException" or "RecursiveInvocationException";
        Assert.True(root.TryGetProperty(capitalised ? "Message" : "message", out var message), $"{code} must carry '{(capitalised ? "Message" : "message")}': {body}");
        return message.GetString()!;
    }
}
