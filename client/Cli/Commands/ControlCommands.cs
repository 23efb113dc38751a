using System.CommandLine;
using Orleans.AsyncInvoke.Cli.Output;

namespace Orleans.AsyncInvoke.Cli.Commands;

/// <summary><c>cancel</c>, <c>retry</c>, <c>pause</c> and <c>resume</c>: control over pending and failed work.</summary>
internal static class ControlCommands
{
    public static Command Cancel(GlobalOptions global)
    {
        var requestId = new Argument<string>("requestId") { Description = "The invocation to cancel" };
        var notify = new Option<bool>("--notify") { Description = "Send the Cancelled record to OnFailure and the event to the dead-letter queue" };
        var command = new Command("cancel", "Cancel an unfinished invocation (exit 5 when it is final already)") { requestId, notify };
        global.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var id = parse.GetValue(requestId)!;
            var response = await context.Api.SendAsync(HttpMethod.Delete,
                $"/invocations/{Uri.EscapeDataString(id)}" + (parse.GetValue(notify) ? "?notify=true" : ""), null, cancellationToken);
            if (context.Terminal.Json)
            {
                context.Terminal.WriteJson(response.Body);
            }
            else
            {
                context.Terminal.Line(response.Status == 202
                    ? $"{id}: cancel requested; it ends Cancelled when its running attempt returns."
                    : $"{id}: {response.Json().Text("status")}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Retry(GlobalOptions global)
    {
        var requestId = new Argument<string>("requestId") { Description = "The failed or cancelled invocation to run again" };
        var command = new Command("retry", "Run a failed or cancelled invocation again under the same request id (exit 5 unless it failed or was cancelled)") { requestId };
        global.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var id = parse.GetValue(requestId)!;
            var response = await context.Api.SendAsync(HttpMethod.Post, $"/invocations/{Uri.EscapeDataString(id)}/retry", null, cancellationToken);
            if (context.Terminal.Json)
            {
                context.Terminal.WriteJson(response.Body);
            }
            else
            {
                context.Terminal.Line($"{id}: retrying ({response.Json().Text("status")})");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Pause(GlobalOptions global, bool paused)
    {
        var function = new Argument<string>("function") { Description = "The function" };
        var command = paused
            ? new Command("pause", "Pause a function's asynchronous processing: events are accepted and kept, none runs") { function }
            : new Command("resume", "Resume a paused function: what was held runs") { function };
        global.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var name = parse.GetValue(function)!;
            var response = await context.Api.SendAsync(HttpMethod.Put, $"/functions/{Uri.EscapeDataString(name)}/async",
                paused ? """{"paused":true}""" : """{"paused":false}""", cancellationToken);
            if (context.Terminal.Json)
            {
                context.Terminal.WriteJson(response.Body);
            }
            else
            {
                context.Terminal.Line($"{name}: {(response.Json().Text("paused") == "yes" ? "paused" : "running")}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
