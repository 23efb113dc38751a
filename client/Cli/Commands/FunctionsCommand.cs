using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orleans.AsyncInvoke.Cli.Output;

namespace Orleans.AsyncInvoke.Cli.Commands;

/// <summary><c>functions</c>: every function (Lambda ListFunctions, all pages) with its paused flag.</summary>
internal static class FunctionsCommand
{
    public static Command Create(GlobalOptions global)
    {
        var command = new Command("functions", "List the functions: name, runtime, handler, memory, timeout, paused");
        global.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var functions = new List<JsonObject>();
            string? marker = null;
            do
            {
                var response = await context.Api.SendAsync(HttpMethod.Get,
                    "/2015-03-31/functions?MaxItems=1000" + (marker is null ? "" : "&Marker=" + Uri.EscapeDataString(marker)), null, cancellationToken);
                var page = JsonNode.Parse(response.Body)?.AsObject() ?? [];
                functions.AddRange((page["Functions"]?.AsArray() ?? []).OfType<JsonObject>().Select(f => (JsonObject)f.DeepClone()));
                marker = page["NextMarker"]?.GetValue<string>();
            }
            while (marker is not null);

            // The paused flag is the runtime's own, beside the Lambda configuration: one read per function, a few at a time.
            using var gate = new SemaphoreSlim(8);
            await Task.WhenAll(functions.Select(async f =>
            {
                await gate.WaitAsync(cancellationToken);
                try
                {
                    var name = f["FunctionName"]?.GetValue<string>() ?? "";
                    var state = await context.Api.SendAsync(HttpMethod.Get, $"/functions/{Uri.EscapeDataString(name)}/async", null, cancellationToken);
                    f["Paused"] = state.Json().Text("paused") == "yes";
                }
                finally
                {
                    gate.Release();
                }
            }));

            var terminal = context.Terminal;
            if (terminal.Json)
            {
                terminal.WriteJson(new JsonObject { ["Functions"] = new JsonArray([.. functions]) }.ToJsonString());
                return ExitCodes.Ok;
            }

            var table = Tables.Create("Name", "Runtime", "Handler", "Memory (MB)", "Timeout (s)", "Paused");
            foreach (var f in functions)
            {
                var row = JsonDocument.Parse(f.ToJsonString()).RootElement;
                table.Row(row.Text("FunctionName"),
                    row.Text("Runtime") is { Length: > 0 } runtime ? runtime : row.Text("PackageType").ToLowerInvariant(),
                    row.Text("Handler"), row.Text("MemorySize"), row.Text("Timeout"), row.Text("Paused"));
            }

            terminal.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
