using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Orleans.AsyncInvoke.Cli.Output;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Orleans.AsyncInvoke.Cli.Commands;

/// <summary><c>watch</c>: the cluster's counters of the last hour (<c>GET /stats</c>), refreshed in place.</summary>
internal static class WatchCommand
{
    private const string Bars = "▁▂▃▄▅▆▇█";

    public static Command Create(GlobalOptions global)
    {
        var function = new Option<string?>("--function") { Description = "Only this function", HelpName = "NAME" };
        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes", DefaultValueFactory = _ => 2, HelpName = "SECONDS" };
        var once = new Option<bool>("--once") { Description = "Print one frame and exit" };
        var command = new Command("watch", "Live counters per function over the last hour (Ctrl-C stops); with --json, one JSON document per refresh") { function, interval, once };
        command.Validators.Add(result =>
        {
            if (result.GetResult(interval) is not null && result.GetValue(interval) is < 0.2 or > 3600)
            {
                result.AddError("--interval must be from 0.2 to 3600 seconds.");
            }
        });
        global.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var only = parse.GetValue(function);
            var every = TimeSpan.FromSeconds(parse.GetValue(interval));
            var terminal = context.Terminal;
            async Task<string> ReadAsync() => (await context.Api.SendAsync(HttpMethod.Get, "/stats", null, cancellationToken)).Body;

            try
            {
                if (parse.GetValue(once))
                {
                    var body = await ReadAsync();
                    if (terminal.Json)
                    {
                        terminal.WriteJson(body);
                    }
                    else
                    {
                        terminal.Write(Frame(JsonDocument.Parse(body).RootElement, only, context.Api.BaseUrl));
                    }

                    return ExitCodes.Ok;
                }

                if (terminal.Interactive)
                {
                    var first = Frame(JsonDocument.Parse(await ReadAsync()).RootElement, only, context.Api.BaseUrl);
                    await terminal.Console.Live(first).AutoClear(false).StartAsync(async live =>
                    {
                        while (true)
                        {
                            await Task.Delay(every, cancellationToken);
                            live.UpdateTarget(Frame(JsonDocument.Parse(await ReadAsync()).RootElement, only, context.Api.BaseUrl));
                            live.Refresh();
                        }
                    });
                }

                // Redirected or --json: no cursor movement, one frame (or one JSON line) after another.
                while (true)
                {
                    var body = await ReadAsync();
                    if (terminal.Json)
                    {
                        terminal.WriteJsonLine(body);
                    }
                    else
                    {
                        terminal.Write(Frame(JsonDocument.Parse(body).RootElement, only, context.Api.BaseUrl));
                        terminal.Line("");
                    }

                    await Task.Delay(every, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Ok;
            }
        });
        return command;
    }

    internal static IRenderable Frame(JsonElement stats, string? only, Uri url)
    {
        var cluster = stats.Object("cluster");
        var table = Tables.Create("Function", "Received", "Started", "Succeeded", "Failed", "Dropped", "Cancelled", "Throttled", "Retried", "In flight", "Pending", "Received, last 30 min");
        foreach (var f in stats.Array("functions"))
        {
            if (only is not null && f.Text("functionName") != only)
            {
                continue;
            }

            table.Row(f.Text("functionName"), f.Text("received"), f.Text("started"), f.Text("succeeded"), f.Text("failed"), f.Text("dropped"), f.Text("cancelled"),
                f.Text("throttled"), f.Text("retried"), f.Text("inFlight"), f.Text("pending"), Sparkline(f.Object("series")?.Array("received") ?? []));
        }

        var window = stats.Number("windowMinutes") is > 0 and var minutes ? minutes : 60;
        table.Title = new TableTitle(Markup.Escape($"{url} at {Json.Shown(stats.Time("at"))} UTC, last {window} min"));
        table.Caption = new TableTitle(Markup.Escape(cluster is { } c
            ? $"silos {c.Text("silos")}, pending {c.Text("pending")}, wake-up lag {Lag(c)} ms"
            : ""));
        return table;
    }

    private static string Lag(JsonElement cluster) =>
        cluster.TryGetProperty("wakeUpLagMs", out var lag) && lag.ValueKind == JsonValueKind.Number
            ? lag.GetDouble().ToString("0", CultureInfo.InvariantCulture)
            : "?";

    /// <summary>The last 30 minutes of a per-minute series as block characters, scaled to its own peak.</summary>
    internal static string Sparkline(IEnumerable<JsonElement> series)
    {
        var values = series.Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0).TakeLast(30).ToArray();
        var peak = values.Length == 0 ? 0 : values.Max();
        return peak <= 0
            ? new string(Bars[0], values.Length)
            : string.Concat(values.Select(v => Bars[(int)Math.Round(v / peak * (Bars.Length - 1))]));
    }
}
