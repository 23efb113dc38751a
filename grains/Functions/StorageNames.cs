namespace Orleans.AsyncInvoke.Functions;

/// <summary>Names of the grain storage providers the runtime needs.</summary>
public static class StorageNames
{
    /// <summary>Function definitions and configurations.</summary>
    public const string Functions = "asyncinvoke-functions";

    /// <summary>Invocations.</summary>
    public const string Invocations = "asyncinvoke-invocations";
}
