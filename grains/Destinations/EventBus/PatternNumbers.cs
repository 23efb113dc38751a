using System.Text.Json;

namespace Orleans.AsyncInvoke.Destinations.EventBus;

/// <summary>
/// How EventBridge compares numbers: values from -5e9 to 5e9, to six decimal places. Each comparable number becomes a key
/// in millionths, so 300, 300.0 and 3e2 are one key and a range compares keys; numbers outside the range have none.
/// </summary>
internal static class PatternNumbers
{
    public const double Limit = 5e9;

    /// <summary>The reason EventBridge gives for an operand outside the range.</summary>
    public const string OutOfRange = "Value must be between -5.0E9 and 5.0E9, inclusive";

    public static long? KeyOf(JsonElement number) =>
        number.ValueKind == JsonValueKind.Number && number.TryGetDouble(out var value) ? KeyOf(value) : null;

    public static long? KeyOf(double value) =>
        value is >= -Limit and <= Limit ? (long)(1e6 * (Limit + value)) : null;
}
