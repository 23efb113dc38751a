using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Execution.Http;

namespace Orleans.AsyncInvoke.Security;

/// <summary>Gives every HTTP function target's client (one named client per function) the guarded handler.</summary>
internal sealed class GuardedFunctionClients(OutboundAddressGuard guard) : IConfigureNamedOptions<HttpClientFactoryOptions>
{
    public void Configure(string? name, HttpClientFactoryOptions options)
    {
        if (name is not null && name.StartsWith(HttpHeaders.ClientPrefix, StringComparison.Ordinal))
        {
            options.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = guard.CreateHandler());
        }
    }

    public void Configure(HttpClientFactoryOptions options) => Configure(Options.DefaultName, options);
}
