using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orleans.AsyncInvoke.Diagnostics;

namespace Orleans.AsyncInvoke.Silo.Hosting;

/// <summary>
/// OpenTelemetry for the silo: the runtime's meter and activity source plus Orleans' and ASP.NET Core's (incoming
/// <c>traceparent</c> honoured). Exporters by configuration: <c>AsyncInvoke:Telemetry:Exporters</c> lists
/// <c>prometheus</c> (scrape endpoint <c>/metrics</c>, the default), <c>console</c> and <c>otlp</c>; OTLP is also on
/// whenever <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Traces are collected only with an exporter that takes them
/// (<c>console</c>, <c>otlp</c>).
/// </summary>
public static class TelemetryHosting
{
    private const string ExportersKey = "AsyncInvoke:Telemetry:Exporters";

    public static WebApplicationBuilder AddAsyncInvokeTelemetry(this WebApplicationBuilder builder)
    {
        var exporters = builder.Configuration.GetSection(ExportersKey).Get<string[]>() ?? ["prometheus"];
        var unknown = exporters.Where(e => e is not ("prometheus" or "console" or "otlp")).ToList();
        if (unknown.Count > 0)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(ExportersKey, typeof(string[]),
                [$"{ExportersKey} accepts prometheus, console and otlp (was {string.Join(", ", unknown)})."]);
        }

        var otlp = exporters.Contains("otlp") || !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry();
        if (otlp || exporters.Contains("console"))
        {
            // Spans only when something exports them: with no listener, no request, grain call, accept or attempt
            // creates an activity at all (the trace context a caller sends is still stored and passed on).
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource(AsyncInvokeInstruments.MeterName, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                    .AddAspNetCoreInstrumentation();
                if (exporters.Contains("console"))
                {
                    tracing.AddConsoleExporter();
                }

                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            });
        }

        telemetry.WithMetrics(metrics =>
            {
                // "System.Runtime" is .NET's own meter: GC heap sizes, allocations, thread pool, CPU.
                metrics.AddMeter(AsyncInvokeInstruments.MeterName, "Microsoft.Orleans", "System.Runtime");
                if (exporters.Contains("prometheus"))
                {
                    metrics.AddPrometheusExporter();
                }

                if (exporters.Contains("console"))
                {
                    metrics.AddConsoleExporter();
                }

                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        return builder;
    }

    public static WebApplication MapAsyncInvokeTelemetry(this WebApplication app)
    {
        var exporters = app.Configuration.GetSection(ExportersKey).Get<string[]>() ?? ["prometheus"];
        if (exporters.Contains("prometheus"))
        {
            app.MapPrometheusScrapingEndpoint("/metrics");
        }

        return app;
    }
}
