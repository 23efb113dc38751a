using System.Text.Json;

namespace Orleans.AsyncInvoke.Tests.Cli;

/// <summary><c>asyncinvoke</c> run as a process against a real silo with authentication on: each command, its output and its exit code.</summary>
[Collection(CliSiloCollection.Name)]
[Trait("Category", "Http")]
public sealed class CliCommandTests(CliSiloFixture silo)
{
    [Fact]
    public async Task Invoke_WhenEvent_PrintsTheRequestId_AndStatusShowsTheAttempt()
    {
        var invoked = await silo.RunAsync("invoke", "echo", "--payload", """{"cli":1}""");

        Assert.True(invoked.ExitCode == 0, invoked.ToString());
        var id = invoked.Stdout.Trim();
        Assert.Matches("^[0-9a-f-]{36}$", id);
        await silo.WaitForStatusAsync(id, s => CliSiloFixture.Is(s, "Succeeded"), $"{id} to succeed");

        var status = await silo.RunAsync("status", id);

        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains(id, status.Stdout, StringComparison.Ordinal);
        Assert.Contains("Succeeded", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("Success", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("Attempt", status.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', status.Stdout);
    }

    [Fact]
    public async Task Invoke_WhenSync_PrintsTheResponse_AndAFunctionErrorExitsSix()
    {
        var echoed = await silo.RunAsync("invoke", "echo", "--type", "sync", "--payload", """{"sync":true}""");
        var failed = await silo.RunAsync("invoke", "fail", "--type", "sync", "--payload", "{}");

        Assert.True(echoed.ExitCode == 0, echoed.ToString());
        Assert.Contains("\"sync\":true", echoed.Stdout.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(failed.ExitCode == 6, failed.ToString());
        Assert.Matches("^[A-Za-z.]+: .+", failed.Stderr.Trim());
    }

    [Fact]
    public async Task Invoke_WhenThePayloadComesOnStdin_SendsIt()
    {
        var result = await CliProcess.RunAsync(
            new Dictionary<string, string?> { ["ASYNCINVOKE_URL"] = silo.Address.ToString(), ["ASYNCINVOKE_API_KEY"] = CliSiloFixture.ApiKey },
            """{"fromStdin":42}""", "invoke", "echo", "--type", "sync");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"fromStdin\":42", result.Stdout.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_WhenThePayloadIsInAFile_AndAtIsGiven_TheEventIsDueThen()
    {
        var file = Path.Combine(Path.GetTempPath(), $"cli-event-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{"fromFile":true}""");
        var at = DateTimeOffset.UtcNow.AddHours(1);
        var text = at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            var invoked = await silo.RunAsync("invoke", "echo", "--payload-file", file, "--at", text, "--max-age", "600");
            var status = await silo.RunAsync("status", invoked.Stdout.Trim(), "--json");
            var cancelled = await silo.RunAsync("cancel", invoked.Stdout.Trim());

            Assert.True(invoked.ExitCode == 0, invoked.ToString());
            var json = status.Json();
            Assert.Equal(text, json.GetProperty("nextAttemptAt").GetDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            Assert.Contains("fromFile", json.GetProperty("payloadPreview").GetString(), StringComparison.Ordinal);
            Assert.True(cancelled.ExitCode == 0, cancelled.ToString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task List_WhenALimitIsGiven_PagesWithNext_AndAllReadsEveryPage()
    {
        var function = await silo.CreateFunctionAsync("cli-list");
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var invoked = await silo.RunAsync("invoke", function, "--payload", $$"""{"n":{{i}}}""", "--delay", "3600");
            Assert.True(invoked.ExitCode == 0, invoked.ToString());
            ids.Add(invoked.Stdout.Trim());
        }

        var first = await silo.RunAsync("list", function, "--limit", "2", "--json");
        var next = first.Json().GetProperty("next").GetString();
        var second = await silo.RunAsync("list", function, "--limit", "2", "--next", next!, "--json");
        var all = await silo.RunAsync("list", function, "--limit", "2", "--all", "--json");
        var table = await silo.RunAsync("list", function, "--limit", "2");

        Assert.Equal(2, first.Json().GetProperty("invocations").GetArrayLength());
        Assert.Equal(2, second.Json().GetProperty("invocations").GetArrayLength());
        Assert.Empty(Ids(first).Intersect(Ids(second)));
        Assert.Equal(ids.Order(StringComparer.Ordinal), Ids(all).Order(StringComparer.Ordinal));
        Assert.Equal(JsonValueKind.Null, all.Json().GetProperty("next").ValueKind);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("next page: --next ", table.Stdout, StringComparison.Ordinal);
        Assert.Contains(Ids(first)[0], table.Stdout, StringComparison.Ordinal);

        static List<string> Ids(CliResult page) =>
            [.. page.Json().GetProperty("invocations").EnumerateArray().Select(i => i.GetProperty("requestId").GetString()!)];
    }

    [Fact]
    public async Task Cancel_WhenDelayed_ExitsZero_AndCancellingAgainExitsFive()
    {
        var id = (await silo.RunAsync("invoke", "echo", "--delay", "3600", "--payload", "{}")).Stdout.Trim();

        var cancelled = await silo.RunAsync("cancel", id);
        var again = await silo.RunAsync("cancel", id);

        Assert.True(cancelled.ExitCode == 0, cancelled.ToString());
        Assert.Contains("Cancelled", cancelled.Stdout, StringComparison.Ordinal);
        Assert.True(again.ExitCode == 5, again.ToString());
        Assert.StartsWith("InvalidStateException: ", again.Stderr, StringComparison.Ordinal);
        Assert.Equal("", again.Stdout);
    }

    [Fact]
    public async Task Retry_WhenFailed_RunsItAgainUnderTheSameRequestId_AndStatusShowsBothAttempts()
    {
        var id = (await silo.RunAsync("invoke", "flaky", "--max-retries", "0", "--payload", """{"failTimes":1}""")).Stdout.Trim();
        await silo.WaitForStatusAsync(id, s => CliSiloFixture.Is(s, "Failed"), $"{id} to fail");

        var retried = await silo.RunAsync("retry", id);
        await silo.WaitForStatusAsync(id, s => CliSiloFixture.Is(s, "Succeeded"), $"{id} to succeed on its retry");
        var status = await silo.RunAsync("status", id);
        var json = await silo.RunAsync("status", id, "--json");
        var retriedAgain = await silo.RunAsync("retry", id);

        Assert.True(retried.ExitCode == 0, retried.ToString());
        Assert.Contains(id, retried.Stdout, StringComparison.Ordinal);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("flaky: attempt 1 of 1 planned failures", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("Redriven", status.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, json.Json().GetProperty("attempts").GetInt32());
        Assert.True(retriedAgain.ExitCode == 5, retriedAgain.ToString());
    }

    [Fact]
    public async Task Pause_WhenPaused_HoldsTheInvocation_UntilResume()
    {
        var function = await silo.CreateFunctionAsync("cli-pause");

        var paused = await silo.RunAsync("pause", function);
        var id = (await silo.RunAsync("invoke", function, "--payload", "{}")).Stdout.Trim();
        await silo.WaitForStatusAsync(id, s => CliSiloFixture.Is(s, "Paused") || CliSiloFixture.Is(s, "Pending"), $"{id} to be held");
        var held = await silo.RunAsync("status", id, "--json");
        var functions = await silo.RunAsync("functions", "--json");
        var resumed = await silo.RunAsync("resume", function);
        await silo.WaitForStatusAsync(id, s => CliSiloFixture.Is(s, "Succeeded"), $"{id} to run after the resume");

        Assert.True(paused.ExitCode == 0, paused.ToString());
        Assert.Equal($"{function}: paused", paused.Stdout.Trim());
        Assert.Contains(held.Json().GetProperty("status").GetString(), new[] { "Paused", "Pending" });
        Assert.Equal(0, held.Json().GetProperty("attempts").GetInt32());
        Assert.True(functions.Json().GetProperty("Functions").EnumerateArray()
            .Single(f => f.GetProperty("FunctionName").GetString() == function).GetProperty("Paused").GetBoolean(), functions.Stdout);
        Assert.Equal($"{function}: running", resumed.Stdout.Trim());
    }

    [Fact]
    public async Task ConfigPut_ThenGet_RoundTripsTheSettings()
    {
        var function = await silo.CreateFunctionAsync("cli-config");

        var put = await silo.RunAsync("config", "put", function, "--max-retries", "1", "--max-age", "600", "--on-failure", "queue://cli-failures");
        var get = await silo.RunAsync("config", "get", function, "--json");
        var shown = await silo.RunAsync("config", "get", function);

        Assert.True(put.ExitCode == 0, put.ToString());
        var config = get.Json();
        Assert.Equal(1, config.GetProperty("MaximumRetryAttempts").GetInt32());
        Assert.Equal(600, config.GetProperty("MaximumEventAgeInSeconds").GetInt32());
        Assert.Equal("queue://cli-failures", config.GetProperty("DestinationConfig").GetProperty("OnFailure").GetProperty("Destination").GetString());
        Assert.Contains("600 s", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("queue://cli-failures", shown.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigGet_WhenTheFunctionHasNone_ExitsFour()
    {
        var function = await silo.CreateFunctionAsync("cli-noconfig");

        var result = await silo.RunAsync("config", "get", function);

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.StartsWith("ResourceNotFoundException: ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Functions_ListsTheDemoFunctions_InATableAndAsJson()
    {
        var table = await silo.RunAsync("functions");
        var json = await silo.RunAsync("functions", "--json");

        Assert.True(table.ExitCode == 0, table.ToString());
        foreach (var name in new[] { "echo", "fail", "flaky", "sleep" })
        {
            Assert.Contains(name, table.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("Paused", table.Stdout, StringComparison.Ordinal);
        var echo = json.Json().GetProperty("Functions").EnumerateArray().Single(f => f.GetProperty("FunctionName").GetString() == "echo");
        Assert.False(echo.GetProperty("Paused").GetBoolean());
        Assert.True(echo.TryGetProperty("Timeout", out _), json.Stdout);
    }

    [Fact]
    public async Task Json_OnEachCommand_PrintsOneJsonDocumentAndNothingElse()
    {
        var invoked = await silo.RunAsync("invoke", "echo", "--payload", "{}", "--delay", "3600", "--json");
        var id = invoked.Json().GetProperty("requestId").GetString()!;

        var results = new[]
        {
            invoked,
            await silo.RunAsync("status", id, "--json"),
            await silo.RunAsync("list", "echo", "--limit", "3", "--json"),
            await silo.RunAsync("cancel", id, "--json"),
            await silo.RunAsync("functions", "--json"),
        };

        Assert.Equal(202, invoked.Json().GetProperty("statusCode").GetInt32());
        Assert.All(results, r =>
        {
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(JsonValueKind.Object, r.Json().ValueKind);
            Assert.Equal("", r.Stderr);
        });
        Assert.Equal("Cancelled", results[3].Json().GetProperty("status").GetString());
    }

    [Fact]
    public async Task Status_WhenTheRequestIdIsUnknown_ExitsFour()
    {
        var result = await silo.RunAsync("status", Guid.NewGuid().ToString());

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.StartsWith("ResourceNotFoundException: ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKey_WhenWrong_ExitsOneWithAClearMessage_AndNoSecretPrinted()
    {
        const string wrong = "ak-wrong-key-3f9d7c";
        var environment = new Dictionary<string, string?> { ["ASYNCINVOKE_URL"] = silo.Address.ToString() };

        var gateway = await CliProcess.RunAsync(environment, null, "list", "echo", "--api-key", wrong);
        var lambda = await CliProcess.RunAsync(environment, null, "invoke", "echo", "--payload", "{}", "--api-key", wrong);

        Assert.True(gateway.ExitCode == 1, gateway.ToString());
        Assert.Equal("UnauthorizedException: The API key is not valid.", gateway.Stderr.Trim());
        Assert.True(lambda.ExitCode == 1, lambda.ToString());
        Assert.StartsWith("UnauthorizedException: ", lambda.Stderr, StringComparison.Ordinal);
        Assert.All(new[] { gateway, lambda }, r => Assert.DoesNotContain(wrong, r.Stdout + r.Stderr, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AwsCredentials_WhenNoApiKeyIsGiven_SignRequestsWithSigV4()
    {
        var signed = new Dictionary<string, string?>
        {
            ["ASYNCINVOKE_URL"] = silo.Address.ToString(),
            ["AWS_ACCESS_KEY_ID"] = CliSiloFixture.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = CliSiloFixture.SecretAccessKey,
            ["AWS_REGION"] = "us-east-1",
        };
        var wrongSecret = new Dictionary<string, string?>(signed) { ["AWS_SECRET_ACCESS_KEY"] = "not-the-secret-7a1e" };

        var invoked = await CliProcess.RunAsync(signed, null, "invoke", "echo", "--payload", """{"signed":"yes, with spaces & symbols"}""");
        var listed = await CliProcess.RunAsync(signed, null, "list", "echo", "--since", "2020-01-01T00:00:00Z", "--limit", "1");
        var refused = await CliProcess.RunAsync(wrongSecret, null, "invoke", "echo", "--payload", "{}");

        Assert.True(invoked.ExitCode == 0, invoked.ToString());
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.StartsWith("InvalidSignatureException: ", refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret-7a1e", refused.Stdout + refused.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Url_WhenNothingListens_ExitsThree()
    {
        var port = Testing.FreePort.Next();

        var result = await CliProcess.RunAsync(new Dictionary<string, string?>(), null, "status", "some-id", "--url", $"http://127.0.0.1:{port}");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.StartsWith($"ConnectionError: Cannot reach http://127.0.0.1:{port}/", result.Stderr, StringComparison.Ordinal);
    }
}
