using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orleans.AsyncInvoke.Cli.Output;
using Spectre.Console;

namespace Orleans.AsyncInvoke.Cli.Commands;

/// <summary>
/// <c>redrive</c>: moves a function's dead letters back into invocations (<c>POST /functions/{name}/redrive</c>) and
/// follows the job to its end. The job runs in the silo: a job already running is followed rather than refused, and a
/// job that stopped continues where it stopped when it is started again.
/// </summary>
internal static class RedriveCommand
{
    public static Command Create(GlobalOptions global)
    {
        var function = new Argument<string>("function") { Description = "The function whose dead letters to redrive" };
        var source = new Option<string>("--source")
        {
            Description = "dlq: the function's dead-letter queue; failure: its OnFailure queue; or a queue name or ARN",
            DefaultValueFactory = _ => "dlq",
            HelpName = "dlq|failure|QUEUE",
        };
        var noWait = new Option<bool>("--no-wait") { Description = "Start the job and print it without following it" };
        var command = new Command("redrive", "Redrive a function's dead letters: each becomes a retry of its invocation (or a new event); prints moved/skipped/failed")
        {
            function, source, noWait,
        };
        global.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var name = parse.GetValue(function)!;
            var path = $"/functions/{Uri.EscapeDataString(name)}/redrive";
            var terminal = context.Terminal;
            var started = await context.Api.TrySendAsync(HttpMethod.Post, path,
                new JsonObject { ["source"] = parse.GetValue(source) }.ToJsonString(), cancellationToken);
            JsonElement job;
            if (started.IsSuccess)
            {
                job = started.Json();
            }
            else if (started.Status == 409 && await context.Api.TrySendAsync(HttpMethod.Get, path, null, cancellationToken) is { IsSuccess: true } current
                && current.Json().Text("state") == "running")
            {
                job = current.Json();
                terminal.Error.WriteLine($"A redrive of {name} is running already (from {job.Text("queue")}, started {Json.Shown(job.Time("startedAt"))}): following it.");
            }
            else
            {
                throw started.Error();
            }

            if (!parse.GetValue(noWait))
            {
                try
                {
                    job = terminal.Interactive
                        ? await FollowWithProgressAsync(context, path, job, cancellationToken)
                        : await FollowAsync(context, path, job, _ => { }, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    terminal.Error.WriteLine($"Stopped following; the redrive goes on in the silo. 'asyncinvoke redrive {name}' follows it again.");
                    return ExitCodes.Interrupted;
                }
            }

            if (terminal.Json)
            {
                terminal.WriteJson(job.GetRawText());
            }
            else
            {
                terminal.Line(Summary(job));
                foreach (var id in job.Array("movedRequestIds"))
                {
                    terminal.Line($"moved {id.GetString()}");
                }

                if (job.Number("moved") > job.Array("movedRequestIds").Count())
                {
                    terminal.Line($"(the first {job.Array("movedRequestIds").Count()} moved request ids are listed)");
                }
            }

            var state = job.Text("state");
            if (state is "running" or "completed")
            {
                if (job.Number("failed") > 0 && job.Text("error") is { Length: > 0 } problem && !terminal.Json)
                {
                    terminal.Error.WriteLine($"Left in the queue: {job.Number("failed")}; the last problem: {problem}");
                }

                return ExitCodes.Ok;
            }

            throw new CliException(ExitCodes.ApiError, "RedriveStopped",
                (job.Text("error") is { Length: > 0 } error ? error : $"The redrive ended {state}.") + $" 'asyncinvoke redrive {name}' goes on from where it stopped.");
        });
        return command;
    }

    internal static string Summary(JsonElement job)
    {
        var state = job.Text("state");
        var counts = $"moved {job.Number("moved")}, skipped {job.Number("skipped")}, failed {job.Number("failed")} of {job.Number("total")}";
        return state == "running"
            ? $"Redrive of {job.Text("functionName")} from {job.Text("queue")} running: {counts} so far."
            : $"Redrive of {job.Text("functionName")} from {job.Text("queue")} {state}: {counts}.";
    }

    private static async Task<JsonElement> FollowWithProgressAsync(CommandContext context, string path, JsonElement job, CancellationToken cancellationToken)
    {
        var result = job;
        await context.Terminal.Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask(Markup.Escape($"redrive {job.Text("functionName")} from {job.Text("queue")}"), maxValue: Math.Max(1, job.Number("total")));
                void Show(JsonElement current)
                {
                    task.MaxValue = Math.Max(1, current.Number("total"));
                    task.Value = Done(current);
                }

                Show(job);
                result = await FollowAsync(context, path, job, Show, cancellationToken);
                Show(result);
                task.StopTask();
            });
        return result;
    }

    private static async Task<JsonElement> FollowAsync(CommandContext context, string path, JsonElement job, Action<JsonElement> progress, CancellationToken cancellationToken)
    {
        var current = job;
        while (current.Text("state") == "running")
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            current = (await context.Api.SendAsync(HttpMethod.Get, path, null, cancellationToken)).Json();
            progress(current);
        }

        return current;
    }

    private static long Done(JsonElement job) => job.Number("moved") + job.Number("skipped") + job.Number("failed");
}
