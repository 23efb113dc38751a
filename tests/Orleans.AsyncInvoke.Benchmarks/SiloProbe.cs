using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Orleans.AsyncInvoke.Benchmarks;

/// <summary>
/// What can be read about a silo without touching its grains: its Prometheus scrape (<c>GET /metrics</c>), its
/// resident memory (<c>/proc/&lt;pid&gt;/status</c>) and its Redis server's <c>used_memory</c> (<c>redis-cli</c>).
/// </summary>
internal static class SiloProbe
{
    /// <summary>The silo's Prometheus text, or <c>null</c> when it has no scrape endpoint or does not answer.</summary>
    public static async Task<string?> ScrapeAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// The sum of the samples of <paramref name="metric"/> (exact name, e.g. <c>Errors_total</c>) whose labels contain
    /// <paramref name="label"/> (e.g. <c>function="flaky"</c>), or <c>null</c> when there is no such sample.
    /// </summary>
    public static double? Sum(string? scrape, string metric, string label)
    {
        if (scrape is null)
        {
            return null;
        }

        double? sum = null;
        foreach (var line in scrape.AsSpan().EnumerateLines())
        {
            if (line.StartsWith(metric) && line.Length > metric.Length && line[metric.Length] == '{'
                && line.IndexOf(label, StringComparison.Ordinal) > 0)
            {
                var value = line[(line.LastIndexOf(' ') + 1)..];
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                {
                    sum = (sum ?? 0) + v;
                }
            }
        }

        return sum;
    }

    /// <summary>
    /// The silo's managed heap as its last garbage collection left it (.NET's <c>dotnet.gc.last_collection.heap.size</c>,
    /// all generations), or <c>null</c> when the scrape has none.
    /// </summary>
    public static async Task<double?> ManagedHeapBytesAsync(HttpClient http) =>
        Sum(await ScrapeAsync(http), "dotnet_gc_last_collection_heap_size_bytes", "gc_heap_generation=");

    /// <summary>Attempt counters of one function from the scrape; <c>null</c> when the silo exports none.</summary>
    public static async Task<AttemptCounters?> CountersAsync(HttpClient http, string function)
    {
        var scrape = await ScrapeAsync(http);
        var label = $"function=\"{function}\"";
        var started = Sum(scrape, "Invocations_total", label);
        if (started is null)
        {
            return null;
        }

        return new AttemptCounters(
            (long)started.Value,
            (long)(Sum(scrape, "Errors_total", label) ?? 0),
            (long)(Sum(scrape, "Duration_milliseconds_count", label) ?? 0),
            (long)(Sum(scrape, "ConcurrentExecutions", label) ?? 0),
            (long)(Sum(scrape, "orleans_catalog_activations", "grain_type=\"asyncinvoke-invocation\"") ?? -1),
            (long)(Sum(scrape, "orleans_catalog_activations", "grain_type=") ?? -1));
    }

    /// <summary>Resident set size (VmRSS) of a process in bytes, or NaN where /proc is not available.</summary>
    public static double ResidentBytes(int processId)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{processId}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return 1024 * double.Parse(line["VmRSS:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
            // Not Linux, or the process is gone.
        }

        return double.NaN;
    }

    /// <summary>CPU time (user + system) a process has used, in seconds, from <c>/proc/&lt;pid&gt;/stat</c>; NaN where unavailable.</summary>
    public static double CpuSeconds(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            // Fields after the command name (which may hold spaces) start at state: utime and stime are the 12th and 13th.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return ticks / 100.0;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    /// <summary><c>used_memory</c> of the Redis server on <paramref name="port"/> (<c>redis-cli info memory</c>), or NaN.</summary>
    public static Task<double> RedisUsedMemoryAsync(int port) => RedisInfoAsync(port, "memory", "used_memory");

    /// <summary>How many append-only-file rewrites the Redis server on <paramref name="port"/> has started, or NaN.</summary>
    public static Task<double> RedisAofRewritesAsync(int port) => RedisInfoAsync(port, "persistence", "aof_rewrites");

    /// <summary>One numeric field of <c>redis-cli info <paramref name="section"/></c>, or NaN.</summary>
    private static async Task<double> RedisInfoAsync(int port, string section, string field)
    {
        var start = new ProcessStartInfo("redis-cli", ["-p", port.ToString(CultureInfo.InvariantCulture), "info", section])
        {
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var match = Regex.Match(output, $@"^{Regex.Escape(field)}:(\d+)", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN;
    }

    /// <summary>The silo's total garbage-collection pause time in seconds (.NET's <c>dotnet.gc.pause.time</c>), or <c>null</c>.</summary>
    public static async Task<double?> GcPauseSecondsAsync(HttpClient http)
    {
        var scrape = await ScrapeAsync(http);
        if (scrape is null)
        {
            return null;
        }

        foreach (var line in scrape.AsSpan().EnumerateLines())
        {
            if (line.StartsWith("dotnet_gc_pause_time_seconds_total{") && double.TryParse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                return v;
            }
        }

        return null;
    }

}

/// <summary>
/// A function's attempt counters since the silo started: attempts started, function errors, attempts ended
/// (Duration's count), attempts running, and the silo's activations of invocation grains and of all grains (-1 when
/// not exported).
/// </summary>
internal readonly record struct AttemptCounters(long Started, long Errors, long Ended, long Running, long ActiveInvocations, long Activations)
{
    /// <summary>Attempts that ended without a function error (successes, throttles, system errors).</summary>
    public long EndedWithoutError => Ended - Errors;
}
