using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Orleans.AsyncInvoke.Tests.Gateway.Fuzz;

/// <summary>
/// A bounded, seeded fuzz of every HTTP route the app maps: mutated methods, paths, query strings, headers and bodies
/// against the real host behind Kestrel. No answer may be a 500 other than the documented <c>ServiceException</c>, no
/// error may leave its surface's wire format, the silo must still answer afterwards, and its heap must not grow
/// without bound. <c>ASYNCINVOKE_FUZZ_SEED</c> replays a run; <c>ASYNCINVOKE_FUZZ_REQUESTS</c> changes its length.
/// </summary>
[Collection(FuzzCollection.Name)]
[Trait("Category", "Fuzz")]
public sealed class GatewayFuzzTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 20_261_201;
    private const int DefaultRequests = 20_000;
    private const int WarmUpRequests = 2_000;
    private const int Concurrency = 8;

    // What the run leaves stored besides its queue messages (accepted events and their records, functions) is bounded
    // by the requests that were accepted; a leak of what each request reads would pass this many times over.
    private const long HeapGrowthBound = 128L * 1024 * 1024;

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Gateway_WhenEveryRouteIsFuzzed_AnswersEveryRequestInItsWireFormat()
    {
        var seed = Setting("ASYNCINVOKE_FUZZ_SEED", DefaultSeed);
        var requests = Setting("ASYNCINVOKE_FUZZ_REQUESTS", DefaultRequests);
        await using var host = new KestrelGatewayHost();
        await host.InitializeAsync();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency * 2, AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = host.Address,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        await CreateTheWorldAsync(http);
        var routes = FuzzRoute.Discover(host.Services);
        Say($"Fuzz: seed {seed} (ASYNCINVOKE_FUZZ_SEED), {requests} requests over {routes.Count} routes: {string.Join(", ", routes.Select(r => $"{string.Join('|', r.Methods)} {r.Template}"))}");

        var tally = new FuzzTally();
        var elapsed = Stopwatch.StartNew();
        await RunAsync(http, host.Address, routes, tally, seed, 0, Math.Min(WarmUpRequests, requests));
        var heapAfterWarmUp = await SettledHeapAsync(host, http);
        await RunAsync(http, host.Address, routes, tally, seed, Math.Min(WarmUpRequests, requests), requests);
        elapsed.Stop();
        var heapAtEnd = await SettledHeapAsync(host, http);
        var health = await StatusOfAsync(http, "/healthz");

        Say($"Fuzz: {tally.Sent} requests in {elapsed.Elapsed.TotalSeconds:0.0} s (seed {seed}); status counts: {tally.StatusCounts()}");
        Say($"Fuzz: managed heap {Mib(heapAfterWarmUp)} after warm-up, {Mib(heapAtEnd)} at the end (bound +{Mib(HeapGrowthBound)}); "
            + $"ServiceException answers: {tally.ServiceErrors}; errors logged: {host.Errors.Entries.Count}; /healthz: {(int)health}");
        foreach (var entry in host.Errors.Entries.DistinctBy(e => e.Length > 300 ? e[..300] : e).Take(10))
        {
            Say($"Fuzz: logged {(entry.Length > 3000 ? entry[..3000] : entry)}");
        }

        foreach (var (key, count) in tally.Unshaped.OrderByDescending(u => u.Value).Take(20))
        {
            Say($"Fuzz: error without its wire format x{count}: {key}: {tally.Examples[key]}");
        }

        Assert.True(tally.FailureKinds.Count == 0,
            $"Answers broke the rules (seed {seed}): {string.Join(", ", tally.FailureKinds.Select(k => $"{k.Key} x{k.Value}"))}\n{string.Join("\n", tally.Failures)}");
        Assert.True(tally.Unshaped.Count == 0,
            $"Error answers without their surface's wire format (seed {seed}):\n{string.Join("\n", tally.Unshaped.Select(u => $"{u.Value} x {u.Key}: {tally.Examples[u.Key]}"))}");
        Assert.True(host.Errors.Entries.Count == 0, $"The host logged {host.Errors.Entries.Count} error(s) (seed {seed}):\n{string.Join("\n", host.Errors.Entries.Take(5))}");
        var unreached = routes.Where(r => !tally.Reached.Contains(r.Template)).Select(r => r.Template).ToList();
        Assert.True(unreached.Count == 0, $"No request reached the endpoint of {string.Join(", ", unreached)} (seed {seed}).");
        Assert.Equal(HttpStatusCode.OK, health);
        Assert.True(heapAtEnd - heapAfterWarmUp < HeapGrowthBound,
            $"The managed heap grew from {Mib(heapAfterWarmUp)} to {Mib(heapAtEnd)} over the run, more than {Mib(HeapGrowthBound)}.");
        Assert.Equal(requests, tally.Sent);
    }

    private static async Task RunAsync(HttpClient http, Uri server, IReadOnlyList<FuzzRoute> routes, FuzzTally tally, int seed, int from, int to) =>
        await Parallel.ForEachAsync(Enumerable.Range(from, to - from), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (i, _) =>
        {
            var request = FuzzRequest.Create(unchecked((seed * 1_000_003) + i), routes, tally.RequestIds);
            using var timeout = new CancellationTokenSource(RequestTimeout);
            try
            {
                if (request.Raw is not null)
                {
                    var (status, response) = await RawHttp.SendAsync(server, request.Raw, request.RawHalfClose, timeout.Token);
                    tally.Count(status == 0 ? "closed" : status.ToString(CultureInfo.InvariantCulture));
                    // 505 is Kestrel's answer to an unknown HTTP version; X-Function-Error marks a function's own error.
                    if (status >= 500 && status != 505 && !response.Contains("\r\nX-Function-Error:", StringComparison.OrdinalIgnoreCase))
                    {
                        tally.Fail(request, $"{status} to malformed HTTP", Preview(response));
                    }

                    return;
                }

                using var message = ToMessage(request);
                using var answer = await http.SendAsync(message, timeout.Token);
                var body = await answer.Content.ReadAsByteArrayAsync(timeout.Token);
                tally.Count(((int)answer.StatusCode).ToString(CultureInfo.InvariantCulture));
                Check(request, answer, body, tally);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                tally.Count("timeout");
                tally.Fail(request, "no answer", $"nothing within {RequestTimeout.TotalSeconds:0} s");
            }
            catch (HttpRequestException ex)
            {
                tally.Count("closed");
                if (!await RefusedBeforeTheBodyAsync(http, request))
                {
                    tally.Fail(request, "connection failed", $"{ex.Message} {ex.InnerException?.Message}");
                }
            }
        });

    /// <summary>
    /// Whether closing the connection under the client was the server refusing the request before its body: a body
    /// past the limits (413), headers past Kestrel's (431), or a request line Kestrel refuses (400 from no endpoint),
    /// which Kestrel answers and closes while the client is still sending.
    /// </summary>
    private static async Task<bool> RefusedBeforeTheBodyAsync(HttpClient http, FuzzRequest request)
    {
        if (request.Body is { Length: > 64 * 1024 } || request.Headers.Sum(h => h.Key.Length + h.Value.Length) > 16_000)
        {
            return true;
        }

        using var probe = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(request.PathAndQuery, UriKind.Relative));
        using var answer = await http.SendAsync(probe);
        return (int)answer.StatusCode is 400 or 414 && !answer.Headers.Contains(KestrelGatewayHost.EndpointHeaderName);
    }

    private static void Check(FuzzRequest request, HttpResponseMessage answer, byte[] body, FuzzTally tally)
    {
        var status = (int)answer.StatusCode;
        var endpoint = answer.Headers.TryGetValues(KestrelGatewayHost.EndpointHeaderName, out var endpoints) ? endpoints.First() : "";
        tally.Reach(endpoint);
        foreach (var header in new[] { "X-Amzn-RequestId", "X-Call-Id", "X-Request-Id" })
        {
            if (status == 202 && answer.Headers.TryGetValues(header, out var ids))
            {
                tally.RequestId(ids.First());
            }
        }

        if (status < 400)
        {
            return;
        }

        var text = Encoding.UTF8.GetString(body);
        var lambdaCode = answer.Headers.TryGetValues("X-Amzn-ErrorType", out var codes) ? codes.First() : null;
        var gatewayCode = ErrorType(text);
        if (status >= 500)
        {
            if (answer.Headers.Contains("X-Function-Error"))
            {
                // Azure style: the function's own error, answered 500 as Azure does.
                return;
            }

            if (lambdaCode == "ServiceException" || (lambdaCode is null && gatewayCode == "ServiceException"))
            {
                tally.ServiceError();
                tally.Fail(request, $"{status} ServiceException on {request.Route.Template}", Preview(text));
                return;
            }

            tally.Fail(request, $"{status} outside the documented ServiceException on {request.Route.Template}", Preview(text));
            return;
        }

        // Only an answer of the endpoint the request was made for knows its surface's format: not Kestrel's
        // refusals of malformed HTTP, nor routing's 404 and 405 (no endpoint for that path or method).
        if (endpoint != request.Route.Template || !request.Route.Methods.Contains(request.Method))
        {
            return;
        }

        var shaped = lambdaCode is not null ? LambdaBody(text)
            : answer.Headers.Contains("x-amzn-query-error") ? AwsJsonBody(text)
            : gatewayCode is not null || AwsQueryBody(text);
        if (!shaped)
        {
            tally.UnshapedError(request, status, text);
        }
    }

    private static bool LambdaBody(string text) => HasMembers(text, "__type", "Type");

    /// <summary>An AWS JSON protocol error (SQS): <c>{"__type","message"}</c> beside the <c>x-amzn-query-error</c> header.</summary>
    private static bool AwsJsonBody(string text) => HasMembers(text, "__type", "message");

    private static bool HasMembers(string text, params string[] members)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.ValueKind == JsonValueKind.Object && members.All(m => json.RootElement.TryGetProperty(m, out _));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>An AWS query protocol error: <c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Type/&gt;&lt;Code/&gt;&lt;Message/&gt;</c>.</summary>
    private static bool AwsQueryBody(string text)
    {
        try
        {
            var root = System.Xml.Linq.XDocument.Parse(text).Root;
            var error = root?.Elements().FirstOrDefault(e => e.Name.LocalName == "Error");
            return root?.Name.LocalName == "ErrorResponse" && error is not null
                && error.Elements().Any(e => e.Name.LocalName == "Code") && error.Elements().Any(e => e.Name.LocalName == "Message");
        }
        catch (System.Xml.XmlException)
        {
            return false;
        }
    }

    private static string? ErrorType(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("errorType", out var type) && type.ValueKind == JsonValueKind.String
                && json.RootElement.TryGetProperty("errorMessage", out _)
                ? type.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static HttpRequestMessage ToMessage(FuzzRequest request)
    {
        var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(request.PathAndQuery, UriKind.Relative));
        if (request.Body is not null)
        {
            message.Content = request.Chunked ? new StreamContent(new UnknownLengthStream(request.Body)) : new ByteArrayContent(request.Body);
            if (request.ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            }
        }

        foreach (var (name, value) in request.Headers)
        {
            if (name.StartsWith("Content-", StringComparison.Ordinal))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }

    /// <summary>The first functions, alias, configs, queue message, subscription and rule, so fuzzed requests reach deep paths.</summary>
    private static async Task CreateTheWorldAsync(HttpClient http)
    {
        async Task SendAsync(string method, string path, string body)
        {
            using var content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
            using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative)) { Content = content });
            Assert.True(response.IsSuccessStatusCode, $"{method} {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        await SendAsync("POST", "/2015-03-31/functions", """{"FunctionName":"fuzz-echo","Code":{"ImageUri":"dotnet:echo"},"Publish":true}""");
        await SendAsync("POST", "/2015-03-31/functions", """{"FunctionName":"fuzz-fail","Code":{"ImageUri":"dotnet:fail"}}""");
        await SendAsync("POST", "/2015-03-31/functions/fuzz-echo/aliases", """{"Name":"live","FunctionVersion":"1"}""");
        await SendAsync("PUT", "/2019-09-25/functions/fuzz-echo/event-invoke-config", """{"MaximumRetryAttempts":0,"DestinationConfig":{"OnSuccess":{"Destination":"queue://fuzz-q"}}}""");
        await SendAsync("PUT", "/2019-09-25/functions/fuzz-fail/event-invoke-config", """{"MaximumRetryAttempts":1,"DestinationConfig":{"OnFailure":{"Destination":"topic://fuzz-topic"}}}""");
        await SendAsync("PUT", "/topics/fuzz-topic/subscriptions", """{"endpoint":"queue://fuzz-q"}""");
        await SendAsync("PUT", "/eventbuses/fuzz-bus/rules/fuzz-rule", """{"EventPattern":{"source":["lambda"]},"Targets":["queue://fuzz-q"]}""");
        await SendAsync("POST", "/queues/fuzz-q/messages", """{"hello":"fuzz"}""");
    }

    /// <summary>
    /// The managed heap once the queues are purged, idle activations collected and the GC has run to the end. The
    /// messages the run sent (up to 1 MiB each, to queues of any name) are data the silo is meant to keep; what it
    /// must not keep is anything of the requests themselves.
    /// </summary>
    private static async Task<long> SettledHeapAsync(KestrelGatewayHost host, HttpClient http)
    {
        using var queues = JsonDocument.Parse(await http.GetStringAsync(new Uri("/queues", UriKind.Relative)));
        foreach (var queue in queues.RootElement.EnumerateArray())
        {
            using var purged = await http.PostAsync(new Uri($"/queues/{Uri.EscapeDataString(queue.GetProperty("name").GetString()!)}/purge", UriKind.Relative), null);
            Assert.True(purged.IsSuccessStatusCode, $"Purging {queue} answered {(int)purged.StatusCode}.");
        }

        await host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static async Task<HttpStatusCode> StatusOfAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        return response.StatusCode;
    }

    private void Say(string line)
    {
        output.WriteLine(line);
        Console.WriteLine(line);
    }

    private static int Setting(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static string Mib(long bytes) => $"{bytes / (1024.0 * 1024):0.0} MiB";

    private static string Preview(string text) => text.Length > 300 ? text[..300] + "…" : text;

    /// <summary>A body stream that hides its length, so the client sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FuzzCollection
{
    public const string Name = "fuzz";
}
