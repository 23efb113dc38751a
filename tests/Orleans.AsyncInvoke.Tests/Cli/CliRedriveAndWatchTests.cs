using System.Text.Json;
using Orleans.AsyncInvoke.Tests.Infrastructure;

namespace Orleans.AsyncInvoke.Tests.Cli;

/// <summary><c>asyncinvoke redrive</c> and <c>watch</c> as processes against a real silo: the bulk redrive and the counters of <c>GET /stats</c>.</summary>
[Collection(CliSiloCollection.Name)]
[Trait("Category", "Http")]
public sealed class CliRedriveAndWatchTests(CliSiloFixture silo)
{
    [Fact]
    public async Task Redrive_WhenTheFailingFunctionIsFixed_MovesEveryDeadLetter_AndAllSucceed()
    {
        var queue = $"cli-dlq-{Guid.NewGuid():N}";
        var function = await silo.CreateFunctionAsync("cli-redrive", "dotnet:fail", $"arn:aws:sqs:us-east-1:000000000000:{queue}");
        var config = await silo.RunAsync("config", "put", function, "--max-retries", "0");
        Assert.True(config.ExitCode == 0, config.ToString());
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await silo.RunAsync("invoke", function, "--payload", $$"""{"order":{{i}}}""")).Stdout.Trim());
        }

        foreach (var id in ids)
        {
            await silo.WaitForStatusAsync(id, s => CliSiloFixture.Is(s, "Failed"), $"{id} to fail");
        }

        await Eventually.ReachAsync(() => DepthAsync(queue), depth => depth == 3, $"3 dead letters in {queue}", TimeSpan.FromSeconds(30));
        using (var fixedCode = await silo.Http.PutAsync(new Uri($"/2015-03-31/functions/{function}/code", UriKind.Relative),
            new StringContent("""{"ImageUri":"dotnet:echo"}""", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.True(fixedCode.IsSuccessStatusCode, await fixedCode.Content.ReadAsStringAsync());
        }

        var redriven = await silo.RunAsync("redrive", function);

        Assert.True(redriven.ExitCode == 0, redriven.ToString());
        Assert.Contains("completed: moved 3, skipped 0, failed 0 of 3", redriven.Stdout, StringComparison.Ordinal);
        Assert.All(ids, id => Assert.Contains($"moved {id}", redriven.Stdout, StringComparison.Ordinal));
        Assert.DoesNotContain('\u001b', redriven.Stdout);
        foreach (var id in ids)
        {
            await silo.WaitForStatusAsync(id, s => CliSiloFixture.Is(s, "Succeeded"), $"{id} to succeed after the redrive");
        }

        var again = await silo.RunAsync("redrive", function, "--json");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(("completed", 0), (again.Json().GetProperty("state").GetString(), again.Json().GetProperty("moved").GetInt32()));
    }

    [Fact]
    public async Task Redrive_WhenTheFunctionHasNoDeadLetterQueue_ExitsWithTheApiError()
    {
        var function = await silo.CreateFunctionAsync("cli-nodlq");

        var result = await silo.RunAsync("redrive", function);

        Assert.True(result.ExitCode is 1 or 4, result.ToString());
        Assert.Matches("^[A-Za-z]+Exception: ", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task WatchOnce_WhenAFunctionRan_PrintsItsCounters_AndJsonParses()
    {
        var function = await silo.CreateFunctionAsync("cli-watch");
        var id = (await silo.RunAsync("invoke", function, "--payload", "{}")).Stdout.Trim();
        await silo.WaitForStatusAsync(id, s => CliSiloFixture.Is(s, "Succeeded"), $"{id} to succeed");

        var json = await Eventually.ReachAsync(() => silo.RunAsync("watch", "--once", "--json"),
            r => r.ExitCode == 0 && r.Json().GetProperty("functions").EnumerateArray().Any(f => f.GetProperty("functionName").GetString() == function
                && f.GetProperty("succeeded").GetInt64() == 1),
            $"GET /stats to count the success of {function}", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
        var frame = await silo.RunAsync("watch", "--once", "--function", function);

        Assert.True(json.Json().TryGetProperty("cluster", out _), json.Stdout);
        Assert.True(frame.ExitCode == 0, frame.ToString());
        Assert.Contains(function, frame.Stdout, StringComparison.Ordinal);
        Assert.Contains("Succeeded", frame.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("echo ", frame.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', frame.Stdout);
    }

    private async Task<long> DepthAsync(string queue)
    {
        var queues = JsonDocument.Parse(await silo.Http.GetStringAsync(new Uri("/queues", UriKind.Relative))).RootElement;
        return queues.EnumerateArray().Where(q => q.GetProperty("name").GetString() == queue).Select(q => q.GetProperty("approximateDepth").GetInt64()).FirstOrDefault();
    }
}
