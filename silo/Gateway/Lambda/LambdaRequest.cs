using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Orleans.AsyncInvoke.Silo.Gateway.Lambda;

/// <summary>Reads Lambda request bodies strictly, refusing what Lambda refuses with its own error codes.</summary>
internal static class LambdaRequest
{
    /// <summary>
    /// A declared length up to this is read straight into an array of that size; a larger or undeclared one grows as
    /// its bytes arrive, so a client that declares a large body and sends nothing holds no more than one chunk.
    /// </summary>
    private const int ExactReadBytes = 64 * 1024;

    private const int ChunkBytes = 16 * 1024;

    /// <summary>Reads the raw body; over <paramref name="limit"/> bytes is a <c>RequestTooLargeException</c>.</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpRequest request, int limit, string tooLargeMessage)
    {
        var declared = request.ContentLength;
        if (declared > limit)
        {
            throw LambdaRequestException.TooLarge(tooLargeMessage);
        }

        try
        {
            return declared is { } length && length <= ExactReadBytes
                ? await ReadDeclaredAsync(request, (int)length)
                : await ReadGrowingAsync(request, limit, tooLargeMessage);
        }
        catch (IOException ex) when (ex is not BadHttpRequestException && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // Kestrel reports most malformed bodies as BadHttpRequestException, but a chunk size that overflows as a
            // plain IOException: the client's mistake all the same.
            throw LambdaRequestException.BadContent($"The request body could not be read: {ex.Message}");
        }
    }

    /// <summary>A body framed by its Content-Length: the server ends it there, so it fills an array of that size.</summary>
    private static async Task<byte[]> ReadDeclaredAsync(HttpRequest request, int length)
    {
        var body = length == 0 ? [] : new byte[length];
        var filled = 0;
        while (filled < length)
        {
            var read = await request.Body.ReadAsync(body.AsMemory(filled), request.HttpContext.RequestAborted);
            if (read == 0)
            {
                throw LambdaRequestException.BadContent($"The request body ended after {filled} of its {length} declared bytes.");
            }

            filled += read;
        }

        return body;
    }

    private static async Task<byte[]> ReadGrowingAsync(HttpRequest request, int limit, string tooLargeMessage)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk.AsMemory(0, ChunkBytes), request.HttpContext.RequestAborted)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    throw LambdaRequestException.TooLarge(tooLargeMessage);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a JSON object body (an empty body is an empty object).</summary>
    public static async Task<JsonElement> ReadObjectAsync(HttpRequest request, int limit)
    {
        var contentType = request.ContentType;
        if (!string.IsNullOrEmpty(contentType) && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            throw LambdaRequestException.UnsupportedMediaType(contentType);
        }

        var body = await ReadBodyAsync(request, limit, $"Request must be smaller than {limit} bytes.");
        if (body.Length == 0)
        {
            return JsonDocument.Parse("{}").RootElement;
        }

        // The parser checks the structure only: a string of invalid UTF-8 would fail later, when it is read.
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            throw LambdaRequestException.BadContent("Could not parse request body into json: the body is not valid UTF-8.");
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw LambdaRequestException.BadContent("Could not parse request body into json: the body must be a JSON object.");
            }

            // The parser accepts an escaped lone surrogate ("\ud800") and reading it as a string throws: refuse it
            // here, once, rather than as a failure wherever a handler reads that string.
            if (body.AsSpan().IndexOf("\\u"u8) >= 0 && !HasOnlyWellFormedStrings(document.RootElement))
            {
                throw LambdaRequestException.BadContent("Could not parse request body into json: a string holds an unpaired surrogate escape (\\uD800-\\uDFFF).");
            }

            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw LambdaRequestException.BadContent($"Could not parse request body into json: {ex.Message}");
        }
    }

    private static bool HasOnlyWellFormedStrings(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        // A member name is read as a string too (environment variable names, event pattern fields).
                        _ = property.Name;
                        if (!HasOnlyWellFormedStrings(property.Value))
                        {
                            return false;
                        }
                    }

                    return true;
                case JsonValueKind.Array:
                    return element.EnumerateArray().All(HasOnlyWellFormedStrings);
                case JsonValueKind.String:
                    return element.GetString() is not null;
                default:
                    return true;
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public static void EnsureJson(byte[] payload)
    {
        if (payload.Length == 0)
        {
            return;
        }

        try
        {
            using var _ = JsonDocument.Parse(payload);
        }
        catch (JsonException ex)
        {
            throw LambdaRequestException.BadContent($"Could not parse request body into json: Could not parse payload into json: {ex.Message}");
        }
    }

    public static string? String(this JsonElement body, string name) => Member(body, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        _ => throw WrongType(name, "a string"),
    };

    public static int? Int(this JsonElement body, string name) => Member(body, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } value when value.TryGetInt32(out var number) => number,
        _ => throw WrongType(name, "an integer"),
    };

    public static bool? Bool(this JsonElement body, string name) => Member(body, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => throw WrongType(name, "a boolean"),
    };

    public static JsonElement? Object(this JsonElement body, string name) => Member(body, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Object } value => value,
        _ => throw WrongType(name, "an object"),
    };

    public static Dictionary<string, string>? StringMap(this JsonElement body, string name)
    {
        if (Object(body, name) is not { } map)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in map.EnumerateObject())
        {
            result[property.Name] = property.Value.ValueKind == JsonValueKind.String
                ? property.Value.GetString()!
                : throw WrongType($"{name}.{property.Name}", "a string");
        }

        return result;
    }

    public static Dictionary<string, double>? NumberMap(this JsonElement body, string name)
    {
        if (Object(body, name) is not { } map)
        {
            return null;
        }

        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var property in map.EnumerateObject())
        {
            result[property.Name] = property.Value.ValueKind == JsonValueKind.Number
                ? property.Value.GetDouble()
                : throw WrongType($"{name}.{property.Name}", "a number");
        }

        return result;
    }

    /// <summary>An integer query parameter, or a <c>ValidationException</c>-style error.</summary>
    public static int? QueryInt(HttpRequest request, string name)
    {
        var raw = request.Query[name].ToString();
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }

        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw LambdaRequestException.BadContent($"Query parameter {name} must be an integer (was '{raw}').");
    }

    private static JsonElement? Member(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static LambdaRequestException WrongType(string name, string expected) =>
        LambdaRequestException.BadContent($"Could not parse request body into json: field '{name}' must be {expected}.");
}
