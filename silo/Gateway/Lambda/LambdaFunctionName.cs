using System.Text.RegularExpressions;
using Orleans.AsyncInvoke.Functions;

namespace Orleans.AsyncInvoke.Silo.Gateway.Lambda;

/// <summary>Lambda's <c>FunctionName</c>: a name, <c>name:qualifier</c>, a partial ARN or a full ARN.</summary>
internal static partial class LambdaFunctionName
{
    private const string Pattern = @"(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?";

    public static (string Name, string? Qualifier) Parse(string raw, string? queryQualifier)
    {
        if (raw.Length > 140)
        {
            throw ErrorCodes.ValidationFailed([$"Value '{raw}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 140"]);
        }

        var match = FunctionNamePattern().Match(raw);
        if (!match.Success || !FunctionNames.IsValid(match.Groups["name"].Value))
        {
            throw ErrorCodes.ValidationFailed([$"Value '{raw}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: {Pattern}"]);
        }

        var name = match.Groups["name"].Value;
        var embedded = match.Groups["qualifier"].Success ? match.Groups["qualifier"].Value : null;
        var query = string.IsNullOrEmpty(queryQualifier) ? null : queryQualifier;
        if (embedded is not null && query is not null && embedded != query)
        {
            throw ErrorCodes.InvalidParameter("The derived qualifier from the function name does not match the specified qualifier.");
        }

        var qualifier = embedded ?? query;
        if (qualifier is not null && !QualifierPattern().IsMatch(qualifier))
        {
            throw ErrorCodes.ValidationFailed([$"Value '{qualifier}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)"]);
        }

        return (name, qualifier);
    }

    [GeneratedRegex(@"^(arn:aws[a-zA-Z-]*:lambda:[a-z]{2}(-gov)?-[a-z]+-\d{1}:\d{12}:function:|\d{12}:function:)?(?<name>[a-zA-Z0-9_-]+)(:(?<qualifier>\$LATEST|[a-zA-Z0-9_-]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex FunctionNamePattern();

    [GeneratedRegex(@"^(\$LATEST|[a-zA-Z0-9_-]{1,128})$", RegexOptions.CultureInvariant)]
    private static partial Regex QualifierPattern();
}
