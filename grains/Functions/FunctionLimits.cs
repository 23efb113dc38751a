namespace Orleans.AsyncInvoke.Functions;

/// <summary>The ranges Lambda enforces, shared by configuration and API validation.</summary>
internal static class FunctionLimits
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(900);
    public const int MinRetryAttempts = 0;
    public const int MaxRetryAttempts = 2;
    public const int MinEventAgeSeconds = 60;
    public const int MaxEventAgeSeconds = 21600;
    public const int MaxListItems = 50;
}
