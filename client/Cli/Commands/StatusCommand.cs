using System.CommandLine;
using System.Text.Json;
using Orleans.AsyncInvoke.Cli.Output;
using Spectre.Console;

namespace Orleans.AsyncInvoke.Cli.Commands;

/// <summary><c>status</c>: an invocation's summary and its timeline of attempts.</summary>
internal static class StatusCommand
{
    public static Command Create(GlobalOptions global)
    {
        var requestId = new Argument<string>("requestId") { Description = "The invocation's request id" };
        var command = new Command("status", "Show an invocation: a summary and its attempts (attempt, outcome, due, started, finished, duration, error)") { requestId };
        global.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var id = parse.GetValue(requestId)!;
            var response = await context.Api.SendAsync(HttpMethod.Get, $"/invocations/{Uri.EscapeDataString(id)}", null, cancellationToken);
            if (context.Terminal.Json)
            {
                context.Terminal.WriteJson(response.Body);
                return ExitCodes.Ok;
            }

            var status = response.Json();
            context.Terminal.Write(Summary(status));
            context.Terminal.Write(Timeline(status));
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static Panel Summary(JsonElement status)
    {
        var function = status.Text("functionName");
        if (status.Text("qualifier") is { Length: > 0 } qualifier && qualifier != "$LATEST")
        {
            function += ":" + qualifier;
        }

        var pairs = new List<(string, string)>
        {
            ("Request id", status.Text("requestId")),
            ("Status", status.Text("status") + (status.Text("cancelRequested") == "yes" ? " (cancel requested)" : "")),
            ("Condition", status.Text("condition")),
            ("Function", function),
            ("Attempts", $"{status.Number("attempts")} ({status.Number("throttles")} throttled)"),
            ("Received", Json.Shown(status.Time("receivedAt"))),
        };
        if (status.Time("redrivenAt") is { } redriven)
        {
            pairs.Add(("Redriven", Json.Shown(redriven)));
        }

        if (status.Time("nextAttemptAt") is { } next)
        {
            pairs.Add(("Next attempt", Json.Shown(next)));
        }

        pairs.Add(("Completed", Json.Shown(status.Time("completedAt"))));
        if (status.Object("lastError") is { } error)
        {
            pairs.Add(("Last error", $"{error.Text("errorType")}: {error.Text("errorMessage")}"));
        }

        if (status.Text("payloadPreview") is { Length: > 0 } preview)
        {
            pairs.Add(("Payload", (preview.Length > 200 ? preview[..200] + "…" : preview) + $" ({status.Number("payloadBytes")} bytes)"));
        }

        if (status.Text("traceId") is { Length: > 0 } trace)
        {
            pairs.Add(("Trace", trace));
        }

        return new Panel(Tables.Pairs(pairs)).Header(new PanelHeader("Invocation")).Border(BoxBorder.Rounded);
    }

    internal static Table Timeline(JsonElement status)
    {
        var table = Tables.Create("Attempt", "Outcome", "Due", "Started", "Finished", "Duration", "Error");
        foreach (var entry in status.Array("history"))
        {
            var started = entry.Time("startedAt");
            var finished = entry.Time("finishedAt");
            var error = entry.Text("errorType") is { Length: > 0 } type ? $"{type}: {entry.Text("errorMessage")}" : "";
            table.Row(
                entry.Text("attempt"),
                entry.Text("outcome"),
                Json.Shown(entry.Time("dueAt")),
                Json.Shown(started),
                Json.Shown(finished),
                started is { } s && finished is { } f ? Json.Shown(f - s) : "",
                error);
        }

        return table;
    }
}
