using Orleans.AsyncInvoke.Hosting;
using Orleans.AsyncInvoke.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddAsyncInvokeSilo();

var app = builder.Build();
app.MapAsyncInvokeEndpoints();
app.LogProfile();
await app.RunAsync();
public partial class Program;
