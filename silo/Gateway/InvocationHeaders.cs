using System.Globalization;
using Orleans.AsyncInvoke.Invocations;

namespace Orleans.AsyncInvoke.Silo.Gateway;

/// <summary>
/// An event's delay and its own settings, read from the <c>X-AsyncInvoke-*</c> headers of any asynchronous entry
/// point. Only the form is checked here; ranges and destinations are checked where the event is accepted, with the
/// event-invoke-config's messages, so the client SDK is refused alike.
/// </summary>
internal static class InvocationHeaders
{
    public const string InvokeAfter = "X-AsyncInvoke-Invoke-After";
    public const string InvokeAt = "X-AsyncInvoke-Invoke-At";
    public const string MaximumRetryAttempts = "X-AsyncInvoke-Maximum-Retry-Attempts";
    public const string MaximumEventAge = "X-AsyncInvoke-Maximum-Event-Age";
    public const string OnSuccess = "X-AsyncInvoke-On-Success";
    public const string OnFailure = "X-AsyncInvoke-On-Failure";

    /// <summary><paramref name="request"/> with what the headers of <paramref name="http"/> ask for.</summary>
    public static InvocationRequest Apply(HttpRequest http, InvocationRequest request)
    {
        var headers = http.Headers;
        if (!headers.ContainsKey(InvokeAfter) && !headers.ContainsKey(InvokeAt) && !headers.ContainsKey(MaximumRetryAttempts)
            && !headers.ContainsKey(MaximumEventAge) && !headers.ContainsKey(OnSuccess) && !headers.ContainsKey(OnFailure))
        {
            return request;
        }

        return request with
        {
            InvokeAfter = Integer(headers, InvokeAfter, "a whole number of seconds") is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            InvokeAt = Time(headers),
            MaximumRetryAttempts = (int?)Integer(headers, MaximumRetryAttempts, "an integer"),
            MaximumEventAgeInSeconds = (int?)Integer(headers, MaximumEventAge, "an integer"),
            OnSuccess = Text(headers, OnSuccess),
            OnFailure = Text(headers, OnFailure),
        };
    }

    private static long? Integer(IHeaderDictionary headers, string name, string what)
    {
        if (Text(headers, name) is not { } text)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value is >= int.MinValue and <= int.MaxValue
            ? value
            : throw ErrorCodes.InvalidParameter($"{name} must be {what} (was '{text}').");
    }

    private static DateTimeOffset? Time(IHeaderDictionary headers)
    {
        if (Text(headers, InvokeAt) is not { } text)
        {
            return null;
        }

        // RFC 3339: a date, a time and an offset ('Z' or ±hh:mm); a time without its offset is ambiguous and refused.
        var hasOffset = text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
        return hasOffset && text.Contains('T', StringComparison.OrdinalIgnoreCase)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var at)
            ? at
            : throw ErrorCodes.InvalidParameter($"{InvokeAt} must be an RFC 3339 time with an offset, such as 2026-01-01T12:00:00Z (was '{text}').");
    }

    private static string? Text(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) && values.ToString() is { Length: > 0 } text ? text : null;
}
