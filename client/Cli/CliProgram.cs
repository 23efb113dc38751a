namespace Orleans.AsyncInvoke.Cli;

/// <summary>The entry point of the <c>asyncinvoke</c> tool.</summary>
internal static class CliProgram
{
    public static async Task<int> Main(string[] args)
    {
        var environment = CliEnvironment.FromProcess();
        using (environment.Http)
        {
            return await CliApp.RunAsync(args, environment);
        }
    }
}
