using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Orleans.AsyncInvoke.Cli.Output;

/// <summary>
/// Where a command writes: tables and panels through Spectre.Console on a terminal, plain text without ANSI codes or
/// live rendering when stdout is redirected, and only JSON on stdout with <c>--json</c>. Errors go to stderr.
/// </summary>
internal sealed class Terminal(IAnsiConsole console, TextWriter stdout, TextWriter stderr, bool json)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public IAnsiConsole Console => console;

    public bool Json => json;

    /// <summary>Live displays and progress bars only on an interactive terminal.</summary>
    public bool Interactive => !json && console.Profile.Capabilities.Interactive;

    public TextWriter Error => stderr;

    public static Terminal Create(bool json, TextWriter stdout, TextWriter stderr, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
            Out = new AnsiConsoleOutput(stdout),
        });
        if (redirected)
        {
            // A pipe has no width: wide enough that request ids and times stay on one line.
            console.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out var columns) && columns > 40
                ? columns
                : 200;
        }

        return new Terminal(console, stdout, stderr, json);
    }

    /// <summary>Writes the API's JSON as it came (indented when it parses), one document.</summary>
    public void WriteJson(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            stdout.WriteLine("{}");
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            stdout.WriteLine(JsonSerializer.Serialize(document.RootElement, Indented));
        }
        catch (JsonException)
        {
            stdout.WriteLine(body);
        }
    }

    /// <summary>Writes a value the CLI composed (several pages, a request id) as JSON.</summary>
    public void WriteJson<T>(T value) => stdout.WriteLine(JsonSerializer.Serialize(value, Indented));

    /// <summary>One JSON document on one line, for streams of them (<c>watch --json</c>).</summary>
    public void WriteJsonLine(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            stdout.WriteLine(JsonSerializer.Serialize(document.RootElement));
        }
        catch (JsonException)
        {
            stdout.WriteLine(body.ReplaceLineEndings(" "));
        }

        stdout.Flush();
    }

    /// <summary>A line of plain text (never parsed as markup).</summary>
    public void Line(string text) => console.WriteLine(text);

    public void Write(Spectre.Console.Rendering.IRenderable renderable) => console.Write(renderable);

    public void Fail(CliException error) => stderr.WriteLine($"{error.ErrorType}: {error.ErrorMessage}");
}
