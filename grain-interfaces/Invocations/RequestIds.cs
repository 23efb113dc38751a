namespace Orleans.AsyncInvoke.Invocations;

/// <summary>Request ids: UUIDs in Lambda's format.</summary>
public static class RequestIds
{
    /// <summary>A new request id.</summary>
    public static string New() => Guid.NewGuid().ToString("D");

    /// <summary>Whether a caller-supplied id is acceptable (1 to 128 printable characters without <c>/</c>).</summary>
    public static bool IsValid(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 128 && id.All(c => c > ' ' && c < 0x7f && c != '/');
}
