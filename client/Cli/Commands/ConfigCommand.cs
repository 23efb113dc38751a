using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orleans.AsyncInvoke.Cli.Output;

namespace Orleans.AsyncInvoke.Cli.Commands;

/// <summary><c>config get|put</c>: a function's event-invoke-config (Lambda's Get/PutFunctionEventInvokeConfig).</summary>
internal static class ConfigCommand
{
    public static Command Create(GlobalOptions global)
    {
        var command = new Command("config", "Read or replace a function's event-invoke-config (retries, maximum event age, destinations)");
        command.Add(Get(global));
        command.Add(Put(global));
        return command;
    }

    private static Option<string?> Qualifier() => new("--qualifier") { Description = "A version or alias (default: the unqualified function)", HelpName = "QUALIFIER" };

    private static Command Get(GlobalOptions global)
    {
        var function = new Argument<string>("function") { Description = "The function" };
        var qualifier = Qualifier();
        var command = new Command("get", "Show a function's event-invoke-config (exit 4 when it has none)") { function, qualifier };
        global.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var response = await context.Api.SendAsync(HttpMethod.Get, Path(parse.GetValue(function)!, parse.GetValue(qualifier)), null, cancellationToken);
            Show(context, response.Body);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Put(GlobalOptions global)
    {
        var function = new Argument<string>("function") { Description = "The function" };
        var qualifier = Qualifier();
        var maxRetries = new Option<int?>("--max-retries") { Description = "MaximumRetryAttempts, 0 to 2", HelpName = "N" };
        var maxAge = new Option<int?>("--max-age") { Description = "MaximumEventAgeInSeconds, 60 to 21600", HelpName = "SECONDS" };
        var onSuccess = new Option<string?>("--on-success") { Description = "The OnSuccess destination (queue://, an ARN, a URL)", HelpName = "DEST" };
        var onFailure = new Option<string?>("--on-failure") { Description = "The OnFailure destination", HelpName = "DEST" };
        var command = new Command("put", "Replace a function's event-invoke-config: settings not given return to their defaults")
        {
            function, qualifier, maxRetries, maxAge, onSuccess, onFailure,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(maxRetries) is null && result.GetResult(maxAge) is null && result.GetResult(onSuccess) is null && result.GetResult(onFailure) is null)
            {
                result.AddError("config put needs at least one of --max-retries, --max-age, --on-success, --on-failure.");
            }
        });
        global.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var body = new JsonObject();
            if (parse.GetValue(maxRetries) is { } retries)
            {
                body["MaximumRetryAttempts"] = retries;
            }

            if (parse.GetValue(maxAge) is { } age)
            {
                body["MaximumEventAgeInSeconds"] = age;
            }

            var destinations = new JsonObject();
            if (parse.GetValue(onSuccess) is { Length: > 0 } success)
            {
                destinations["OnSuccess"] = new JsonObject { ["Destination"] = success };
            }

            if (parse.GetValue(onFailure) is { Length: > 0 } failure)
            {
                destinations["OnFailure"] = new JsonObject { ["Destination"] = failure };
            }

            if (destinations.Count > 0)
            {
                body["DestinationConfig"] = destinations;
            }

            var response = await context.Api.SendAsync(HttpMethod.Put, Path(parse.GetValue(function)!, parse.GetValue(qualifier)), body.ToJsonString(), cancellationToken);
            Show(context, response.Body);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Path(string function, string? qualifier) =>
        $"/2019-09-25/functions/{Uri.EscapeDataString(function)}/event-invoke-config" + (qualifier is { Length: > 0 } q ? "?Qualifier=" + Uri.EscapeDataString(q) : "");

    private static void Show(CommandContext context, string body)
    {
        if (context.Terminal.Json)
        {
            context.Terminal.WriteJson(body);
            return;
        }

        var config = JsonDocument.Parse(body).RootElement;
        var destinations = config.Object("DestinationConfig");
        var modified = config.TryGetProperty("LastModified", out var m) && m.ValueKind == JsonValueKind.Number
            ? Json.Shown(DateTimeOffset.FromUnixTimeMilliseconds((long)(m.GetDouble() * 1000)))
            : config.Text("LastModified");
        context.Terminal.Write(Tables.Pairs(
        [
            ("Function", config.Text("FunctionArn")),
            ("Maximum retry attempts", Or(config.Text("MaximumRetryAttempts"), "2 (default)")),
            ("Maximum event age", config.Text("MaximumEventAgeInSeconds") is { Length: > 0 } seconds ? $"{seconds} s" : "21600 s (default)"),
            ("On success", Or(destinations?.Object("OnSuccess")?.Text("Destination") ?? "", "none")),
            ("On failure", Or(destinations?.Object("OnFailure")?.Text("Destination") ?? "", "none")),
            ("Last modified", modified),
        ]));
    }

    private static string Or(string value, string fallback) => value.Length > 0 ? value : fallback;
}
