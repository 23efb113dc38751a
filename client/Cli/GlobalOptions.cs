using System.CommandLine;
using Orleans.AsyncInvoke.Cli.Http;
using Orleans.AsyncInvoke.Cli.Output;

namespace Orleans.AsyncInvoke.Cli;

/// <summary>The options every command takes, and the one way a command's action is run: errors become exit codes.</summary>
internal sealed class GlobalOptions(CliEnvironment environment)
{
    /// <summary>The silo's default HTTP address (<c>silo/appsettings.json</c>'s <c>Urls</c>).</summary>
    public const string DefaultUrl = "http://127.0.0.1:7071";

    public Option<string?> Url { get; } = new("--url")
    {
        Description = $"The silo's HTTP address [env: ASYNCINVOKE_URL; default: {DefaultUrl}]",
        HelpName = "URL",
        Recursive = true,
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = "An API key, sent as Authorization: Bearer [env: ASYNCINVOKE_API_KEY]; without one, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY sign requests with Signature Version 4",
        HelpName = "KEY",
        Recursive = true,
    };

    public Option<string?> Region { get; } = new("--region")
    {
        Description = "The region of Signature Version 4 signatures [env: AWS_REGION, AWS_DEFAULT_REGION; default: us-east-1]",
        HelpName = "REGION",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print the API's JSON on stdout and nothing else",
        Recursive = true,
    };

    public void AddTo(RootCommand root)
    {
        root.Add(Url);
        root.Add(ApiKey);
        root.Add(Region);
        root.Add(Json);
    }

    /// <summary>Runs <paramref name="action"/> with a client and a terminal; a <see cref="CliException"/> is printed as <c>errorType: errorMessage</c> and exits with its code.</summary>
    public void SetAction(Command command, Func<CommandContext, ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            var terminal = Terminal.Create(parse.GetValue(Json), environment.Out, environment.Error, environment.OutputRedirected);
            try
            {
                var api = new ApiClient(environment.Http, BaseUrl(parse), Credentials.Resolve(parse.GetValue(ApiKey), parse.GetValue(Region), environment.Variable), TimeProvider.System);
                return await action(new CommandContext(api, terminal), parse, cancellationToken);
            }
            catch (CliException ex)
            {
                terminal.Fail(ex);
                return ex.ExitCode;
            }
            catch (System.Text.Json.JsonException ex)
            {
                // Something answered that is not this gateway's JSON (a proxy, another service on the port).
                var error = new CliException(ExitCodes.Unreachable, "InvalidResponse", $"The answer from the silo is not the JSON expected: {ex.Message}");
                terminal.Fail(error);
                return error.ExitCode;
            }
        });

    private Uri BaseUrl(ParseResult parse)
    {
        var text = parse.GetValue(Url) ?? environment.Variable("ASYNCINVOKE_URL");
        text = string.IsNullOrWhiteSpace(text) ? DefaultUrl : text.Trim();
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw CliException.Usage($"--url must be an http or https address such as {DefaultUrl} (was '{text}').");
    }
}

/// <summary>What a command works with: the gateway and the terminal.</summary>
internal sealed record CommandContext(ApiClient Api, Terminal Terminal);
