using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Orleans.AsyncInvoke.Cli.Commands;

namespace Orleans.AsyncInvoke.Cli;

/// <summary>The <c>asyncinvoke</c> command tree, and running it with the documented exit codes.</summary>
internal static class CliApp
{
    public static RootCommand Build(CliEnvironment environment)
    {
        var global = new GlobalOptions(environment);
        var root = new RootCommand("asyncinvoke: invoke functions and operate their asynchronous invocations on an Orleans.AsyncInvoke silo.");
        global.AddTo(root);
        root.Add(InvokeCommand.Create(global, environment));
        root.Add(StatusCommand.Create(global));
        root.Add(ListCommand.Create(global));
        root.Add(WatchCommand.Create(global));
        root.Add(ControlCommands.Cancel(global));
        root.Add(ControlCommands.Retry(global));
        root.Add(RedriveCommand.Create(global));
        root.Add(ControlCommands.Pause(global, paused: true));
        root.Add(ControlCommands.Pause(global, paused: false));
        root.Add(FunctionsCommand.Create(global));
        root.Add(ConfigCommand.Create(global));

        foreach (var help in root.Options.OfType<HelpOption>())
        {
            help.Action = new HelpWithExitCodes((HelpAction)help.Action!);
        }

        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliEnvironment environment)
    {
        var parse = Build(environment).Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            foreach (var error in parse.Errors)
            {
                await environment.Error.WriteLineAsync($"UsageError: {error.Message}");
            }

            await environment.Error.WriteLineAsync("Run 'asyncinvoke --help' for the commands and their options.");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = environment.Out, Error = environment.Error });
    }

    /// <summary>The default help, followed by the exit codes.</summary>
    private sealed class HelpWithExitCodes(HelpAction help) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var result = help.Invoke(parseResult);
            parseResult.InvocationConfiguration.Output.WriteLine(ExitCodes.Help);
            return result;
        }
    }
}
