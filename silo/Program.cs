using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddAsyncInvokeSilo();

var app = builder.Build();
app.MapAsyncInvokeEndpoints();
app.LogProfile();
try
{
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    // Bad configuration stops the silo at start with every bad key named, not with a stack trace.
    await Console.Error.WriteLineAsync("The silo did not start: its configuration is invalid.");
    foreach (var failure in ex.Failures)
    {
        await Console.Error.WriteLineAsync($"  - {failure}");
    }

    return 1;
}

public partial class Program;
