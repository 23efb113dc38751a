using System.CommandLine;
using System.Text.Json;
using Orleans.AsyncInvoke.Cli.Output;

namespace Orleans.AsyncInvoke.Cli.Commands;

/// <summary><c>invoke</c>: Lambda Invoke, asynchronous (the request id) or synchronous (the function's response).</summary>
internal static class InvokeCommand
{
    public static Command Create(GlobalOptions global, CliEnvironment environment)
    {
        var function = new Argument<string>("function") { Description = "The function: a name, name:qualifier or an ARN" };
        var payload = new Option<string?>("--payload") { Description = "The event as JSON (default: --payload-file, else stdin when it is redirected, else {})", HelpName = "JSON" };
        var payloadFile = new Option<FileInfo?>("--payload-file") { Description = "Read the event from a file ('-' for stdin)", HelpName = "FILE" };
        var type = new Option<string>("--type")
        {
            Description = "event: accepted with 202 and run asynchronously; sync: wait for the function's response",
            DefaultValueFactory = _ => "event",
        };
        type.AcceptOnlyFromAmong("event", "sync");
        var delay = new Option<int?>("--delay") { Description = "Start the event after this many seconds (0 to 31536000)", HelpName = "SECONDS" };
        var at = new Option<string?>("--at") { Description = "Start the event at an RFC 3339 time with its offset (2026-06-01T12:00:00Z)", HelpName = "TIME" };
        var maxRetries = new Option<int?>("--max-retries") { Description = "This event's maximum retry attempts (0 to 2)", HelpName = "N" };
        var maxAge = new Option<int?>("--max-age") { Description = "This event's maximum age in seconds (60 to 21600)", HelpName = "SECONDS" };
        var onSuccess = new Option<string?>("--on-success") { Description = "This event's OnSuccess destination", HelpName = "DEST" };
        var onFailure = new Option<string?>("--on-failure") { Description = "This event's OnFailure destination", HelpName = "DEST" };

        var command = new Command("invoke", "Invoke a function: prints the request id (event) or the function's response (sync)")
        {
            function, payload, payloadFile, type, delay, at, maxRetries, maxAge, onSuccess, onFailure,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(payload) is not null && result.GetResult(payloadFile) is not null)
            {
                result.AddError("--payload and --payload-file cannot be used together.");
            }

            if (result.GetResult(delay) is not null && result.GetResult(at) is not null)
            {
                result.AddError("--delay and --at cannot be used together.");
            }

            if (result.GetValue(type) == "sync" && (result.GetResult(delay) ?? result.GetResult(at) ?? result.GetResult(maxRetries)
                ?? result.GetResult(maxAge) ?? result.GetResult(onSuccess) ?? (object?)result.GetResult(onFailure)) is not null)
            {
                result.AddError("--delay, --at, --max-retries, --max-age, --on-success and --on-failure apply to --type event only.");
            }
        });

        global.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var name = parse.GetValue(function)!;
            var body = await ReadPayloadAsync(parse.GetValue(payload), parse.GetValue(payloadFile), environment, cancellationToken);
            var sync = parse.GetValue(type) == "sync";
            var headers = new Dictionary<string, string> { ["X-Amz-Invocation-Type"] = sync ? "RequestResponse" : "Event" };
            Add(headers, "X-AsyncInvoke-Invoke-After", parse.GetValue(delay)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Add(headers, "X-AsyncInvoke-Invoke-At", parse.GetValue(at));
            Add(headers, "X-AsyncInvoke-Maximum-Retry-Attempts", parse.GetValue(maxRetries)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Add(headers, "X-AsyncInvoke-Maximum-Event-Age", parse.GetValue(maxAge)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Add(headers, "X-AsyncInvoke-On-Success", parse.GetValue(onSuccess));
            Add(headers, "X-AsyncInvoke-On-Failure", parse.GetValue(onFailure));

            var response = await context.Api.SendAsync(HttpMethod.Post, $"/2015-03-31/functions/{Uri.EscapeDataString(name)}/invocations", body, cancellationToken,
                headers, sync ? Timeout.InfiniteTimeSpan : null);
            var terminal = context.Terminal;
            if (!sync)
            {
                var requestId = response.Header("x-amzn-RequestId") ?? "";
                if (terminal.Json)
                {
                    terminal.WriteJson(new { requestId, statusCode = response.Status });
                }
                else
                {
                    terminal.Line(requestId);
                }

                return ExitCodes.Ok;
            }

            if (terminal.Json)
            {
                terminal.WriteJson(response.Body);
            }

            if (response.Header("X-Amz-Function-Error") is { } functionError)
            {
                var error = ErrorOf(response.Body);
                terminal.Error.WriteLine($"{error.Type ?? functionError}: {error.Message ?? "the function failed"}");
                return ExitCodes.FunctionError;
            }

            if (!terminal.Json)
            {
                environment.Out.WriteLine(response.Body);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Add(Dictionary<string, string> headers, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            headers[name] = value;
        }
    }

    private static async Task<string> ReadPayloadAsync(string? payload, FileInfo? file, CliEnvironment environment, CancellationToken cancellationToken)
    {
        if (payload is not null)
        {
            return payload;
        }

        string text;
        if (file is not null && file.ToString() != "-")
        {
            try
            {
                text = await File.ReadAllTextAsync(file.FullName, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw CliException.Usage($"Cannot read --payload-file {file}: {ex.Message}");
            }
        }
        else if (file is not null || environment.InputRedirected)
        {
            text = await environment.In.ReadToEndAsync(cancellationToken);
        }
        else
        {
            text = "";
        }

        return string.IsNullOrWhiteSpace(text) ? "{}" : text;
    }

    private static (string? Type, string? Message) ErrorOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return (root.Text("errorType") is { Length: > 0 } type ? type : null, root.Text("errorMessage") is { Length: > 0 } message ? message : null);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
