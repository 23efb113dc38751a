namespace Orleans.AsyncInvoke.Silo.WebConsole;

/// <summary>The console's switches (<c>AsyncInvoke:Console</c>).</summary>
internal static class ConsoleSettings
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AsyncInvoke:Console";

    /// <summary>Whether the Orleans Dashboard is served at <c>/dashboard</c> (<c>Dashboard</c>, default true).</summary>
    public static bool DashboardEnabled(IConfiguration configuration) => configuration.GetValue($"{SectionName}:Dashboard", true);

    /// <summary>Whether the dashboard streams the silo's log live (<c>DashboardTrace</c>, default false).</summary>
    public static bool DashboardTrace(IConfiguration configuration) => configuration.GetValue($"{SectionName}:DashboardTrace", false);
}
