using System.Text.RegularExpressions;

namespace Orleans.AsyncInvoke.Functions;

/// <summary>Function names, qualifiers and ARNs.</summary>
public static partial class FunctionNames
{
    /// <summary>The qualifier of the unpublished, editable version.</summary>
    public const string Latest = "$LATEST";

    /// <summary>Whether <paramref name="name"/> is a valid function name (<c>^[a-zA-Z0-9_-]{1,64}$</c>).</summary>
    public static bool IsValid(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>The unqualified function ARN.</summary>
    public static string Arn(string region, string account, string name) =>
        $"arn:aws:lambda:{region}:{account}:function:{name}";

    /// <summary>The ARN qualified with <paramref name="qualifier"/>.</summary>
    public static string QualifiedArn(string region, string account, string name, string qualifier) =>
        $"{Arn(region, account, name)}:{qualifier}";

    /// <summary>Normalises a missing qualifier to <see cref="Latest"/>.</summary>
    public static string Qualifier(string? qualifier) => string.IsNullOrEmpty(qualifier) ? Latest : qualifier;

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
