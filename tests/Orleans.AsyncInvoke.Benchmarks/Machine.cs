using System.Globalization;

namespace Orleans.AsyncInvoke.Benchmarks;

/// <summary>The machine a figure came from: CPU model, cores and clock (from <c>/proc/cpuinfo</c>), memory and OS.</summary>
internal static class Machine
{
    public static string Describe()
    {
        var model = "unknown CPU";
        var mhz = double.NaN;
        if (File.Exists("/proc/cpuinfo"))
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                var (key, value) = Split(line);
                if (key == "model name")
                {
                    model = value;
                }
                else if (key == "cpu MHz" && double.IsNaN(mhz))
                {
                    _ = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out mhz);
                }
            }
        }

        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return Fmt.Inv($"{model}, {Environment.ProcessorCount} cores{(double.IsNaN(mhz) ? "" : $" at {mhz:F0} MHz")}, {memory:F0} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
    }

    private static (string Key, string Value) Split(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (line.Trim(), "") : (line[..colon].Trim(), line[(colon + 1)..].Trim());
    }
}
