using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.AsyncInvoke.Client;

// Connects to a silo (by default the one on this machine: `dotnet run --project silo`), runs `echo` synchronously,
// hands `flaky` an event and follows it to its end. Gateways, ids and TLS come from AsyncInvoke:Client settings,
// e.g. AsyncInvoke__Client__Gateways__0=10.0.0.5:30000.
var builder = Host.CreateApplicationBuilder(args);
builder.AddAsyncInvokeClient();
using var host = builder.Build();
await host.StartAsync();
var invoker = host.Services.GetRequiredService<IAsyncInvoker>();

var sync = await invoker.InvokeAsync(new InvokeRequest { FunctionName = "echo", Payload = """{"hello":"sdk"}"""u8.ToArray(), InvocationType = InvocationType.RequestResponse });
Console.WriteLine($"echo answered: {Encoding.UTF8.GetString(sync.Payload)}");

var requestId = await invoker.InvokeEventAsync("flaky", """{"failTimes":0}"""u8.ToArray());
Console.WriteLine($"flaky accepted: {requestId}");
for (var i = 0; i < 300; i++)
{
    var status = await invoker.GetInvocationAsync(requestId);
    if (status is { IsFinal: true })
    {
        Console.WriteLine($"flaky ended: {status.Phase} after {status.AttemptCount} attempt(s), condition {status.Condition}");
        break;
    }

    await Task.Delay(100);
}

await host.StopAsync();
