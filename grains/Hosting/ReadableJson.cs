using System.Text.Encodings.Web;
using System.Text.Json;

namespace Orleans.AsyncInvoke;

/// <summary>
/// JSON as people and SDKs read it: quotes, apostrophes and non-ASCII text written as themselves (never as
/// <c>\u0027</c> or <c>\u0022</c>), control characters still escaped. Every body the runtime writes uses it.
/// </summary>
public static class ReadableJson
{
    /// <summary>For <see cref="Utf8JsonWriter"/>.</summary>
    public static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>For <see cref="JsonSerializer"/> (camelCase web defaults).</summary>
    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
