using System.Net;
using System.Text.Json;
using Orleans.AsyncInvoke.Invocations;
using Orleans.AsyncInvoke.Tests.Infrastructure;
using static Orleans.AsyncInvoke.Tests.Gateway.LambdaHttp;

namespace Orleans.AsyncInvoke.Tests.Gateway;

/// <summary>What the console and the command line operate with: bulk redrive, activity statistics, queue peeks, the status's payload preview.</summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "Http")]
public sealed class OperationsRouteTests(GatewayFixture fixture)
{
    private readonly HttpClient _http = fixture.CreateClient();

    [Fact]
    public async Task Redrive_FromTheDeadLetterQueueAfterAFix_RetriesEachUnderItsRequestIdAndEmptiesTheQueue()
    {
        var (fn, dlq, failures) = await CreateFailingFunctionAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await InvokeEventAsync(fn, $$"""{"n":{{i}}}"""));
        }

        foreach (var id in ids)
        {
            Assert.Equal(InvocationCondition.RetriesExhausted, (await fixture.Events.WaitAsync(id, InvocationEventKind.Completed)).Condition);
        }

        await Eventually.ReachAsync(() => PeekCountAsync(dlq), n => n == 3, "three dead letters");
        await SendJsonAsync(HttpMethod.Put, $"/2015-03-31/functions/{fn}/code", """{"ImageUri":"dotnet:echo"}""", HttpStatusCode.OK);

        var started = await SendJsonAsync(HttpMethod.Post, $"/functions/{fn}/redrive", """{"source":"dlq"}""", HttpStatusCode.Accepted);
        var done = await WaitForRedriveAsync(fn);

        Assert.Equal(("dlq", dlq, 3), (started.GetProperty("source").GetString(), started.GetProperty("queue").GetString(), started.GetProperty("total").GetInt32()));
        Assert.Equal(("completed", 3, 0, 0), (done.GetProperty("state").GetString(), done.GetProperty("moved").GetInt32(), done.GetProperty("skipped").GetInt32(), done.GetProperty("failed").GetInt32()));
        Assert.Equal(ids.Order(), done.GetProperty("movedRequestIds").EnumerateArray().Select(e => e.GetString()!).Order());
        foreach (var id in ids)
        {
            Assert.Equal(InvocationCondition.Success, (await fixture.Events.WaitForNthAsync(id, InvocationEventKind.Completed, 2)).Condition);
            using var status = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"/invocations/{id}", UriKind.Relative)));
            Assert.True(status.RootElement.TryGetProperty("redrivenAt", out _));
        }

        Assert.Equal(0, await PeekCountAsync(dlq));
        await Eventually.ReachAsync(
            async () => Function(JsonDocument.Parse(await _http.GetStringAsync(new Uri("/stats", UriKind.Relative))).RootElement, fn),
            f => f is { } e && e.GetProperty("redriven").GetInt64() == 3 && e.GetProperty("succeeded").GetInt64() == 3
                && e.GetProperty("failed").GetInt64() == 3 && e.GetProperty("pending").GetInt64() == 0,
            "the statistics to count three failures, three redrives and three successes", TimeSpan.FromSeconds(20));

        // The failure queue holds the same three events as records: a second redrive finds them all redriven already.
        await Eventually.ReachAsync(() => PeekCountAsync(failures), n => n == 3, "three failure records");
        await SendJsonAsync(HttpMethod.Post, $"/functions/{fn}/redrive", """{"source":"failure"}""", HttpStatusCode.Accepted);
        var repeats = await WaitForRedriveAsync(fn);
        Assert.Equal((0, 3), (repeats.GetProperty("moved").GetInt32(), repeats.GetProperty("skipped").GetInt32()));
        Assert.Equal(0, await PeekCountAsync(failures));
    }

    [Fact]
    public async Task Redrive_OfARecordWhoseInvocationLeftTheStore_InvokesItAfreshUnderItsIdAndLeavesAnotherFunctionsRecord()
    {
        var (fn, _, failures) = await CreateFailingFunctionAsync(target: "dotnet:echo");
        var gone = Guid.NewGuid().ToString();
        var foreign = Guid.NewGuid().ToString();
        await SendToQueueAsync(failures, Record(gone, fn, """{"from":"archive"}"""));
        await SendToQueueAsync(failures, Record(foreign, "some-other-function", "{}"));

        await SendJsonAsync(HttpMethod.Post, $"/functions/{fn}/redrive", """{"source":"failure"}""", HttpStatusCode.Accepted);
        var done = await WaitForRedriveAsync(fn);

        Assert.Equal(("completed", 1, 1), (done.GetProperty("state").GetString(), done.GetProperty("moved").GetInt32(), done.GetProperty("failed").GetInt32()));
        Assert.Contains("another function", done.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(InvocationCondition.Success, (await fixture.Events.WaitAsync(gone, InvocationEventKind.Completed)).Condition);
        using var status = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"/invocations/{gone}", UriKind.Relative)));
        Assert.Equal(("""{"from":"archive"}""", fn), (status.RootElement.GetProperty("payloadPreview").GetString(), status.RootElement.GetProperty("functionName").GetString()));
        // The other function's record is still there, visible again for whoever owns it.
        var left = await PeekAsync(failures);
        Assert.Contains(foreign, Assert.Single(left.EnumerateArray()).GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redrive_WithoutTheQueueOrFunctionOrWhileOneRuns_IsRefusedClearly()
    {
        var fn = $"plain-{Guid.NewGuid():N}";
        await SendJsonAsync(HttpMethod.Post, "/2015-03-31/functions", $$$"""{"FunctionName":"{{{fn}}}","Role":"r","PackageType":"Image","Code":{"ImageUri":"dotnet:echo"}}""", HttpStatusCode.Created);

        await AssertErrorAsync(await _http.SendAsync(Request(HttpMethod.Post, $"/functions/{fn}/redrive", """{"source":"dlq"}""")), HttpStatusCode.BadRequest, "InvalidParameterValueException", "has no dead-letter queue");
        await AssertErrorAsync(await _http.SendAsync(Request(HttpMethod.Post, $"/functions/{fn}/redrive", """{"source":"failure"}""")), HttpStatusCode.BadRequest, "InvalidParameterValueException", "has no OnFailure destination");
        await AssertErrorAsync(await _http.SendAsync(Request(HttpMethod.Post, $"/functions/{fn}/redrive", """{"source":"https://example.com/hook"}""")), HttpStatusCode.BadRequest, "InvalidParameterValueException", "not a queue");
        await AssertErrorAsync(await _http.SendAsync(Request(HttpMethod.Post, $"/functions/none-{Guid.NewGuid():N}/redrive", "{}")), HttpStatusCode.NotFound, "ResourceNotFoundException", "Function not found");
        await AssertErrorAsync(await _http.GetAsync(new Uri($"/functions/{fn}/redrive", UriKind.Relative)), HttpStatusCode.NotFound, "ResourceNotFoundException", "No redrive");
        await AssertErrorAsync(await _http.SendAsync(Request(HttpMethod.Post, $"/functions/{fn}/redrive", """{"source":5}""")), HttpStatusCode.BadRequest, null, "source");
    }

    [Fact]
    public async Task Stats_CountWhatEachFunctionDidInTheLastHour()
    {
        var (fn, _, _) = await CreateFailingFunctionAsync();
        var echo = $"counted-{Guid.NewGuid():N}";
        await SendJsonAsync(HttpMethod.Post, "/2015-03-31/functions", $$$"""{"FunctionName":"{{{echo}}}","Role":"r","PackageType":"Image","Code":{"ImageUri":"dotnet:echo"}}""", HttpStatusCode.Created);
        var ids = new List<string> { await InvokeEventAsync(fn, "{}") };
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await InvokeEventAsync(echo, "{}"));
        }

        foreach (var id in ids)
        {
            await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);
        }

        var held = await InvokeEventAsync(fn, "{}", ("X-AsyncInvoke-Invoke-After", "3600"));
        var stats = await Eventually.ReachAsync(
            async () => JsonDocument.Parse(await _http.GetStringAsync(new Uri("/stats", UriKind.Relative))).RootElement,
            s => Function(s, echo) is { } e && e.GetProperty("succeeded").GetInt64() == 3
                && Function(s, fn) is { } f && f.GetProperty("failed").GetInt64() == 1 && f.GetProperty("pending").GetInt64() == 1,
            "the silo's report of both functions", TimeSpan.FromSeconds(20));

        var counted = Function(stats, echo)!.Value;
        Assert.Equal((3L, 3L, 0L, 0L, 0L), (counted.GetProperty("received").GetInt64(), counted.GetProperty("started").GetInt64(), counted.GetProperty("failed").GetInt64(),
            counted.GetProperty("inFlight").GetInt64(), counted.GetProperty("pending").GetInt64()));
        var series = counted.GetProperty("series").GetProperty("received").EnumerateArray().Select(e => e.GetInt64()).ToList();
        Assert.Equal((60, 3L), (series.Count, series.Sum()));
        Assert.Equal(1, stats.GetProperty("cluster").GetProperty("silos").GetInt32());
        Assert.Equal(60, stats.GetProperty("windowMinutes").GetInt32());
        using (var one = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"/stats?function={echo}", UriKind.Relative))))
        {
            Assert.Equal(echo, Assert.Single(one.RootElement.GetProperty("functions").EnumerateArray()).GetProperty("functionName").GetString());
        }

        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(Request(HttpMethod.Delete, $"/invocations/{held}"))).StatusCode);
    }

    [Fact]
    public async Task Peek_ShowsAQueuesMessagesWithoutReceivingThem()
    {
        var queue = $"peeked-{Guid.NewGuid():N}";
        await SendToQueueAsync(queue, "first");
        await SendToQueueAsync(queue, "second");

        var peeked = await PeekAsync(queue);
        var received = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"/queues/{queue}/messages?max=10", UriKind.Relative))).RootElement;
        var afterReceive = await PeekAsync(queue);

        Assert.Equal(["first", "second"], peeked.EnumerateArray().Select(m => m.GetProperty("body").GetString()));
        Assert.All(peeked.EnumerateArray(), m => Assert.Equal(0, m.GetProperty("receiveCount").GetInt32()));
        Assert.Equal(2, received.GetArrayLength());
        Assert.All(afterReceive.EnumerateArray(), m => Assert.Equal(1, m.GetProperty("receiveCount").GetInt32()));
        await AssertErrorAsync(await _http.GetAsync(new Uri($"/queues/{queue}/peek?limit=101", UriKind.Relative)), HttpStatusCode.BadRequest, "InvalidParameterValueException", "limit");
    }

    [Fact]
    public async Task Status_ShowsThePayloadsStartCutOnACharacterAndTheTraceId()
    {
        // 4095 ASCII bytes, then a two-byte character across the 4,096-byte cut.
        var payload = "\"" + new string('a', 4094) + "é" + new string('b', 100) + "\"";
        var request = Invoke("echo", payload, "Event");
        request.Headers.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        var response = await _http.SendAsync(request);
        var id = response.Headers.GetValues("x-amzn-RequestId").Single();
        await fixture.Events.WaitAsync(id, InvocationEventKind.Completed);

        using var status = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"/invocations/{id}", UriKind.Relative)));
        var preview = status.RootElement.GetProperty("payloadPreview").GetString()!;

        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(payload), status.RootElement.GetProperty("payloadBytes").GetInt32());
        Assert.Equal(4095, System.Text.Encoding.UTF8.GetByteCount(preview));
        Assert.EndsWith("a", preview, StringComparison.Ordinal);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", status.RootElement.GetProperty("traceId").GetString());
    }

    [Fact]
    public async Task Destinations_WithoutAUri_ListEveryDestinationDeliveriesWereStoredFor()
    {
        var queue = $"listed-{Guid.NewGuid():N}";
        var id = await InvokeEventAsync("echo", "{}", ("X-AsyncInvoke-On-Success", $"queue://{queue}"));
        await Eventually.ReachAsync(() => PeekCountAsync(queue), n => n == 1, "the success record in its queue");

        // The delivery is acknowledged just after the queue took the record: its pending count drops to 0.
        var entry = await Eventually.ReachAsync(
            async () => JsonDocument.Parse(await _http.GetStringAsync(new Uri("/destinations", UriKind.Relative))).RootElement
                .GetProperty("destinations").EnumerateArray().Single(d => d.GetProperty("destination").GetString() == $"queue://{queue}"),
            e => e.GetProperty("pending").GetInt64() == 0, "the delivery to be acknowledged");

        Assert.Equal(0L, entry.GetProperty("parkedCount").GetInt64());
        Assert.False(string.IsNullOrEmpty(id));
    }

    [Fact]
    public async Task Console_ServesItsPageOnEveryRouteAndItsAssetsWithAStrictPolicy()
    {
        var page = await _http.GetAsync(new Uri("/console/invocations/some-id", UriKind.Relative));
        var root = await _http.GetAsync(new Uri("/console", UriKind.Relative));
        var script = await _http.GetAsync(new Uri("/console/assets/app.js", UriKind.Relative));
        var missing = await _http.GetAsync(new Uri("/console/assets/none.js", UriKind.Relative));
        var again = new HttpRequestMessage(HttpMethod.Get, new Uri("/console/assets/app.js", UriKind.Relative));
        again.Headers.TryAddWithoutValidation("If-None-Match", script.Headers.ETag!.Tag);

        Assert.Equal((HttpStatusCode.OK, "text/html"), (page.StatusCode, page.Content.Headers.ContentType!.MediaType));
        Assert.Equal(await root.Content.ReadAsStringAsync(), await page.Content.ReadAsStringAsync());
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal((HttpStatusCode.OK, "text/javascript"), (script.StatusCode, script.Content.Headers.ContentType!.MediaType));
        Assert.Equal(HttpStatusCode.NotModified, (await _http.SendAsync(again)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static JsonElement? Function(JsonElement stats, string name) =>
        stats.GetProperty("functions").EnumerateArray().Where(f => f.GetProperty("functionName").GetString() == name).Select(f => (JsonElement?)f).FirstOrDefault();

    private static string Record(string requestId, string function, string payload) =>
        $$$"""{"version":"1.0","timestamp":"2026-01-01T00:00:00.000Z","requestContext":{"requestId":"{{{requestId}}}","functionArn":"arn:aws:lambda:us-east-1:000000000000:function:{{{function}}}:$LATEST","condition":"RetriesExhausted","approximateInvokeCount":1},"requestPayload":"""
        + payload + "}";

    private async Task<(string Function, string DeadLetters, string Failures)> CreateFailingFunctionAsync(string target = "dotnet:fail")
    {
        var fn = $"redriven-{Guid.NewGuid():N}";
        var dlq = fn + "-dlq";
        var failures = fn + "-failures";
        await SendJsonAsync(HttpMethod.Post, "/2015-03-31/functions",
            $$$"""{"FunctionName":"{{{fn}}}","Role":"r","PackageType":"Image","Code":{"ImageUri":"{{{target}}}"},"DeadLetterConfig":{"TargetArn":"arn:aws:sqs:us-east-1:000000000000:{{{dlq}}}""" + "\"}}", HttpStatusCode.Created);
        await SendJsonAsync(HttpMethod.Put, $"/2019-09-25/functions/{fn}/event-invoke-config",
            $$$"""{"MaximumRetryAttempts":0,"DestinationConfig":{"OnFailure":{"Destination":"arn:aws:sqs:us-east-1:000000000000:{{{failures}}}""" + "\"}}}", HttpStatusCode.OK);
        return (fn, dlq, failures);
    }

    private async Task<string> InvokeEventAsync(string function, string payload, params (string Name, string Value)[] headers)
    {
        var request = Invoke(function, payload, "Event");
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return response.Headers.GetValues("x-amzn-RequestId").Single();
    }

    private async Task<JsonElement> SendJsonAsync(HttpMethod method, string path, string body, HttpStatusCode expected)
    {
        var response = await _http.SendAsync(Request(method, path, body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text.Length == 0 ? "{}" : text).RootElement;
    }

    private async Task SendToQueueAsync(string queue, string body) =>
        Assert.Equal(HttpStatusCode.Created, (await _http.SendAsync(Request(HttpMethod.Post, $"/queues/{queue}/messages", body, "text/plain"))).StatusCode);

    private async Task<JsonElement> PeekAsync(string queue) =>
        JsonDocument.Parse(await _http.GetStringAsync(new Uri($"/queues/{queue}/peek?limit=100", UriKind.Relative))).RootElement.GetProperty("messages");

    private async Task<int> PeekCountAsync(string queue) => (await PeekAsync(queue)).GetArrayLength();

    private Task<JsonElement> WaitForRedriveAsync(string fn) => Eventually.ReachAsync(
        async () => JsonDocument.Parse(await _http.GetStringAsync(new Uri($"/functions/{fn}/redrive", UriKind.Relative))).RootElement,
        p => p.GetProperty("state").GetString() != "running", $"the redrive of {fn} to end");

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? code, string fragment)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        if (code is not null)
        {
            Assert.Equal(code, json.RootElement.GetProperty("errorType").GetString());
        }

        Assert.Contains(fragment, json.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
    }
}
