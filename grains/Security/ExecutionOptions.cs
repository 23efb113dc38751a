namespace Orleans.AsyncInvoke.Security;

/// <summary>What functions may run on the silo's machine (<c>AsyncInvoke:Execution</c>).</summary>
public sealed class ExecutionOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AsyncInvoke:Execution";

    /// <summary>
    /// Whether targets that start a program on the silo's machine (<c>exec:</c>) may be created and run. Anyone who may
    /// create a function could otherwise run any command as the silo's user. Default false; the embedded profile,
    /// which serves only loopback, turns it on unless configured.
    /// </summary>
    public bool AllowLocalPrograms { get; set; }
}
