using System.Globalization;

namespace Orleans.AsyncInvoke.Benchmarks;

/// <summary>
/// One row of the table and of the JSON. <see cref="P50Ms"/>/<see cref="P99Ms"/>/<see cref="MaxMs"/> are the row's
/// latency (accept call, accept → start, or retry lateness: see the scenario); <see cref="Notes"/> is the short
/// human summary printed in the table, <see cref="Metrics"/> the same numbers (and more) by name for the JSON.
/// </summary>
internal sealed record BenchResult(
    string Profile,
    string Scenario,
    int Count,
    int Concurrency,
    double Seconds,
    double PerSecond,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    string Notes = "",
    IReadOnlyDictionary<string, double>? Metrics = null)
{
    public static void PrintTable(IEnumerable<BenchResult> results)
    {
        Console.WriteLine();
        Console.WriteLine($"{"profile",-10} {"scenario",-28} {"count",8} {"callers",8} {"seconds",9} {"per second",11} {"p50 ms",9} {"p99 ms",9} {"max ms",9}  notes");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Profile,-10} {r.Scenario,-28} {r.Count,8} {r.Concurrency,8} {r.Seconds,9:F2} {r.PerSecond,11:F0} {r.P50Ms,9:F2} {r.P99Ms,9:F2} {r.MaxMs,9:F2}  {r.Notes}"));
        }
    }
}

/// <summary>Nearest-rank percentiles of a sample.</summary>
internal readonly record struct Percentiles(double P50, double P99, double Max, int Count)
{
    public static Percentiles Of(IEnumerable<double> values)
    {
        var sorted = values.ToArray();
        if (sorted.Length == 0)
        {
            return new Percentiles(double.NaN, double.NaN, double.NaN, 0);
        }

        Array.Sort(sorted);
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Percentiles(At(0.50), At(0.99), sorted[^1], sorted.Length);
    }
}

/// <summary>Formatting of the notes column.</summary>
internal static class Fmt
{
    public static string Bytes(double bytes) => bytes switch
    {
        double.NaN => "n/a",
        >= 1024 * 1024 or <= -1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024 * 1024):F1} MB"),
        >= 1024 or <= -1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024:F1} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes:F0} B"),
    };

    public static string Seconds(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{seconds:F1} s");

    public static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
