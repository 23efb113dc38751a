using Orleans.AsyncInvoke.Hosting;
using Orleans.Runtime;

namespace Orleans.AsyncInvoke.Silo.Hosting;

/// <summary>
/// <c>/readyz</c>: whether this pod can accept events durably right now. Every condition is local to this silo (its
/// start-up, its shutdown, its membership status, its store), so the loss of another silo never takes every survivor
/// out of the load balancer at once.
/// </summary>
internal static class ReadinessEndpoint
{
    public static WebApplication MapReadiness(this WebApplication app)
    {
        var readiness = app.Services.GetRequiredService<SiloReadiness>();
        app.Use((http, next) =>
        {
            // Kube-proxy balances connections, not requests: a client on a kept-alive connection would keep coming
            // back to a pod that stops. Closing each connection after its response while draining sends it elsewhere.
            if (readiness.Draining)
            {
                http.Response.Headers.Connection = "close";
            }

            return next(http);
        });
        app.MapGet("/readyz", async (SiloReadiness readiness, ISiloStatusOracle membership, IEnumerable<IReadinessCheck> checks, CancellationToken cancellationToken) =>
        {
            if (readiness.Draining)
            {
                return NotReady("draining");
            }

            if (!readiness.FunctionsApplied)
            {
                return NotReady("starting");
            }

            if (membership.CurrentStatus != SiloStatus.Active)
            {
                return NotReady($"silo {membership.CurrentStatus}");
            }

            foreach (var check in checks)
            {
                if (await check.CheckAsync(cancellationToken) is { } reason)
                {
                    return NotReady(reason);
                }
            }

            return Results.Text("ready");
        });
        return app;
    }

    private static IResult NotReady(string reason) =>
        Results.Text($"not ready: {reason}", statusCode: StatusCodes.Status503ServiceUnavailable);
}
