using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Silo.Hosting;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddAsyncInvokeSilo();

    var app = builder.Build();
    app.ValidateAsyncInvokeOptions();
    app.MapAsyncInvokeEndpoints();
    app.LogProfile();
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    // Bad configuration stops the silo at start with every bad key named, not with a stack trace: settings read
    // while the host is built (the cluster's) and those checked when it starts alike.
    await Console.Error.WriteLineAsync("The silo did not start: its configuration is invalid.");
    foreach (var failure in ex.Failures)
    {
        await Console.Error.WriteLineAsync($"  - {failure}");
    }

    return 1;
}

public partial class Program;
