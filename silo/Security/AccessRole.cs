namespace Orleans.AsyncInvoke.Silo.Security;

/// <summary>What a caller may do: each role includes the ones below it.</summary>
public enum AccessRole
{
    /// <summary>Read only: functions, configurations, invocation status and records, destinations, queue listings.</summary>
    Read,

    /// <summary>Read, invoke functions and consume (receive, delete) queue messages.</summary>
    Invoke,

    /// <summary>Everything: create, change and delete functions, routing, redrive, purge.</summary>
    Admin,
}

/// <summary>What one route needs.</summary>
public enum Permission
{
    /// <summary>Reads nothing secret and changes nothing.</summary>
    Read,

    /// <summary>Starts invocations.</summary>
    Invoke,

    /// <summary>Receives or deletes queue messages.</summary>
    Consume,

    /// <summary>Changes configuration or moves stored work.</summary>
    Manage,
}

/// <summary>Who made a request, once authenticated.</summary>
/// <param name="Name">The access key id or the API key's name; <c>anonymous</c> when authentication is off.</param>
/// <param name="Role">The caller's role.</param>
public sealed record Principal(string Name, AccessRole Role)
{
    /// <summary>The caller when authentication is off.</summary>
    public static readonly Principal Anonymous = new("anonymous", AccessRole.Admin);

    /// <summary>Whether the role grants <paramref name="permission"/>.</summary>
    public bool May(Permission permission) => permission switch
    {
        Permission.Read => true,
        Permission.Invoke or Permission.Consume => Role >= AccessRole.Invoke,
        _ => Role == AccessRole.Admin,
    };

    /// <summary>Parses a configured role; <c>null</c> when it is not one.</summary>
    public static AccessRole? ParseRole(string? role) => role?.Trim().ToLowerInvariant() switch
    {
        null or "" or "admin" => AccessRole.Admin,
        "invoke" => AccessRole.Invoke,
        "read" => AccessRole.Read,
        _ => null,
    };
}
