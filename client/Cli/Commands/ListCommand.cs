using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orleans.AsyncInvoke.Cli.Output;

namespace Orleans.AsyncInvoke.Cli.Commands;

/// <summary><c>list</c>: a function's invocations, newest first, a page at a time or all pages.</summary>
internal static class ListCommand
{
    private static readonly string[] States = ["pending", "running", "retrying", "throttled", "paused", "succeeded", "failed", "cancelled"];

    public static Command Create(GlobalOptions global)
    {
        var function = new Argument<string>("function") { Description = "The function whose invocations to list" };
        var state = new Option<string?>("--state") { Description = "Only invocations in this state", HelpName = string.Join('|', States) };
        state.AcceptOnlyFromAmong(States);
        var since = new Option<string?>("--since") { Description = "Only invocations received at or after this RFC 3339 time", HelpName = "TIME" };
        var limit = new Option<int?>("--limit") { Description = "Invocations per page, 1 to 1000 (default 100)", HelpName = "N" };
        var all = new Option<bool>("--all") { Description = "Follow every page to the end" };
        var next = new Option<string?>("--next") { Description = "Start at the page this token names (printed after a page)", HelpName = "TOKEN" };
        var command = new Command("list", "List a function's invocations, newest first") { function, state, since, limit, all, next };
        global.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var query = new List<string> { "function=" + Uri.EscapeDataString(parse.GetValue(function)!) };
            AddQuery(query, "state", parse.GetValue(state));
            AddQuery(query, "since", parse.GetValue(since));
            AddQuery(query, "limit", parse.GetValue(limit)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var token = parse.GetValue(next);
            var followAll = parse.GetValue(all);
            var items = new JsonArray();
            string? lastBody = null;
            do
            {
                var page = new List<string>(query);
                AddQuery(page, "next", token);
                var response = await context.Api.SendAsync(HttpMethod.Get, "/invocations?" + string.Join('&', page), null, cancellationToken);
                lastBody = response.Body;
                var json = response.Json();
                foreach (var item in json.Array("invocations"))
                {
                    items.Add(JsonNode.Parse(item.GetRawText()));
                }

                token = json.Text("next") is { Length: > 0 } t ? t : null;
            }
            while (followAll && token is not null);

            var terminal = context.Terminal;
            if (terminal.Json)
            {
                if (followAll)
                {
                    terminal.WriteJson(new JsonObject { ["invocations"] = items, ["next"] = null }.ToJsonString());
                }
                else
                {
                    terminal.WriteJson(lastBody);
                }

                return ExitCodes.Ok;
            }

            var table = Tables.Create("Request id", "Status", "Attempts", "Received", "Completed", "Condition");
            foreach (var item in items)
            {
                var row = JsonDocument.Parse(item!.ToJsonString()).RootElement;
                table.Row(row.Text("requestId"), row.Text("status"), row.Text("attempts"),
                    Json.Shown(row.Time("receivedAt")), Json.Shown(row.Time("completedAt")), row.Text("condition"));
            }

            terminal.Write(table);
            terminal.Line(token is null ? $"{items.Count} invocation(s)." : $"{items.Count} invocation(s); next page: --next {token}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void AddQuery(List<string> query, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            query.Add($"{name}={Uri.EscapeDataString(value)}");
        }
    }
}
