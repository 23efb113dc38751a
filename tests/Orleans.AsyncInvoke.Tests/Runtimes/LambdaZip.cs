using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using static Orleans.AsyncInvoke.Tests.Gateway.LambdaHttp;

namespace Orleans.AsyncInvoke.Tests.Runtimes;

/// <summary>Lambda zip packages built in memory, and functions created from them through the Lambda API.</summary>
internal static class LambdaZip
{
    /// <summary>A zip of text files, base64 as <c>Code.ZipFile</c> takes it.</summary>
    public static string Of(params (string Name, string Text)[] files)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in files)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
                writer.Write(text);
            }
        }

        return Convert.ToBase64String(buffer.ToArray());
    }

    /// <summary>Creates a function from <paramref name="zip"/> and returns its name.</summary>
    public static async Task<string> CreateAsync(HttpClient http, string runtime, string handler, string zip, int timeoutSeconds = 10)
    {
        var name = $"{runtime.Split('.')[0].TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9')}-{Guid.NewGuid():N}";
        var response = await http.SendAsync(Request(HttpMethod.Post, "/2015-03-31/functions", JsonSerializer.Serialize(new
        {
            FunctionName = name, Runtime = runtime, Handler = handler, Role = "arn:aws:iam::000000000000:role/r", Timeout = timeoutSeconds,
            Environment = new { Variables = new { GREETING = "hello" } }, Code = new { ZipFile = zip },
        })));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return name;
    }

    /// <summary>A synchronous invoke: the response and its JSON body.</summary>
    public static async Task<(HttpResponseMessage Response, JsonElement Body)> InvokeAsync(HttpClient http, string name, string payload, Action<HttpRequestMessage>? configure = null)
    {
        var request = Invoke(name, payload);
        configure?.Invoke(request);
        var response = await http.SendAsync(request);
        return (response, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
