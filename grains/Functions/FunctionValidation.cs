using System.Globalization;
using Orleans.AsyncInvoke.Destinations;

namespace Orleans.AsyncInvoke.Functions;

/// <summary>Lambda's validation rules and messages for function settings and event-invoke-configs.</summary>
internal static class FunctionValidation
{
    public const string NoSettingMessage = "You must specify at least one of error handling or destination setting.";
    public const string SelfDestinationMessage = "You can't specify the function as a destination for itself.";

    public static void ValidateName(string name)
    {
        if (!FunctionNames.IsValid(name))
        {
            throw ErrorCodes.ValidationFailed([
                $"Value '{name}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_-]{{1,64}}$",
            ]);
        }
    }

    public static void ValidateAliasName(string name)
    {
        if (name.Length is < 1 or > 128 || name.All(char.IsAsciiDigit) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw ErrorCodes.ValidationFailed([
                $"Value '{name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)",
            ]);
        }
    }

    public static void ValidateRanges(EventInvokeConfigInput input)
    {
        var violations = new List<string>();
        Range(violations, "maximumRetryAttempts", input.MaximumRetryAttempts, FunctionLimits.MinRetryAttempts, FunctionLimits.MaxRetryAttempts);
        Range(violations, "maximumEventAgeInSeconds", input.MaximumEventAgeInSeconds, FunctionLimits.MinEventAgeSeconds, FunctionLimits.MaxEventAgeSeconds);
        if (violations.Count > 0)
        {
            throw ErrorCodes.ValidationFailed(violations);
        }
    }

    public static void ValidateDefinition(FunctionDefinitionInput input)
    {
        var violations = new List<string>();
        if (input.Timeout is { } timeout)
        {
            Range(violations, "timeout", (long)Math.Ceiling(timeout.TotalSeconds), (long)FunctionLimits.MinTimeout.TotalSeconds, (long)FunctionLimits.MaxTimeout.TotalSeconds);
        }

        if (input.ReservedConcurrency is < 0)
        {
            Range(violations, "reservedConcurrentExecutions", input.ReservedConcurrency, 0, int.MaxValue);
        }

        if (input.Description is { Length: > 256 })
        {
            violations.Add("Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 256");
        }

        if (violations.Count > 0)
        {
            throw ErrorCodes.ValidationFailed(violations);
        }
    }

    public const int MaxTags = 50;

    /// <summary>Tags added to <paramref name="existing"/>: Lambda's limit of 50 per function, and an empty TagResource refused.</summary>
    public static void ValidateTags(IReadOnlyDictionary<string, string> existing, IReadOnlyDictionary<string, string> added, bool requireAny = true)
    {
        if (requireAny && added.Count == 0)
        {
            throw ErrorCodes.InvalidParameter("An error occurred and the request cannot be processed.");
        }

        if (existing.Keys.Union(added.Keys, StringComparer.Ordinal).Count() > MaxTags)
        {
            throw ErrorCodes.InvalidParameter("Number of tags exceeds resource tag limit.");
        }
    }

    /// <summary>An AddPermission statement: the id and action patterns Lambda declares, and a principal it can read.</summary>
    public static void ValidatePermission(PermissionStatement statement)
    {
        var violations = new List<string>();
        if (statement.Sid.Length > 100)
        {
            violations.Add($"Value '{statement.Sid}' at 'statementId' failed to satisfy constraint: Member must have length less than or equal to 100");
        }
        else if (statement.Sid.Length == 0 || !statement.Sid.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            violations.Add($"Value '{statement.Sid}' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)");
        }

        var action = statement.Action;
        var lambdaAction = action.StartsWith("lambda:", StringComparison.Ordinal) ? action["lambda:".Length..] : null;
        if (!(action == "*" || lambdaAction == "*" || lambdaAction is { Length: > 0 } && lambdaAction.All(char.IsAsciiLetter)))
        {
            violations.Add($"Value '{action}' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])");
        }

        if (statement.FunctionUrlAuthType is { } auth && auth is not ("NONE" or "AWS_IAM"))
        {
            violations.Add($"Value '{auth}' at 'functionUrlAuthType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, AWS_IAM]");
        }

        if (violations.Count > 0)
        {
            throw ErrorCodes.ValidationFailed(violations);
        }

        if (PrincipalKind(statement.Principal) is null)
        {
            throw ErrorCodes.InvalidParameter("The provided principal was invalid. Please check the principal and try again.");
        }
    }

    /// <summary>
    /// How a principal appears in a policy statement: <c>Service</c>, <c>AWS</c> (an account id or an IAM ARN), <c>*</c>
    /// for everyone, or <c>null</c> when Lambda would refuse it.
    /// </summary>
    public static string? PrincipalKind(string principal) => principal switch
    {
        "*" => "*",
        _ when principal.EndsWith(".amazonaws.com", StringComparison.Ordinal) && principal.Length > ".amazonaws.com".Length => "Service",
        { Length: 12 } when principal.All(char.IsAsciiDigit) => "AWS",
        _ when principal.StartsWith("arn:aws", StringComparison.Ordinal) && principal.Split(':') is [_, _, "iam", ..] => "AWS",
        _ => null,
    };

    /// <summary>
    /// An alias's <c>RoutingConfig.AdditionalVersionWeights</c>, checked in the order Lambda checks it; returns the
    /// additional version and its weight, or <c>null</c> for an empty map (no split).
    /// </summary>
    public static (string Version, double Weight)? ValidateRouting(IReadOnlyDictionary<string, double>? weights, string functionVersion)
    {
        if (weights is null || weights.Count == 0)
        {
            return null;
        }

        if (weights.Count > 1)
        {
            throw ErrorCodes.InvalidParameter("Number of items in AdditionalVersionWeights cannot be greater than 1");
        }

        var (version, weight) = weights.Single();
        var shown = $"{{{version}={JavaDouble(weight)}}}";
        if (!(weight is >= 0.0 and <= 1.0))
        {
            throw ErrorCodes.ValidationFailed([$"Value '{shown}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]"]);
        }

        if (version == functionVersion)
        {
            throw ErrorCodes.InvalidParameter($"Invalid function version {functionVersion}. Function version {functionVersion} is already included in routing configuration.");
        }

        if (functionVersion == FunctionNames.Latest)
        {
            throw ErrorCodes.InvalidParameter("$LATEST is not supported for an alias pointing to more than 1 version");
        }

        if (version.Length is < 1 or > 1024 || !version.All(char.IsAsciiDigit))
        {
            throw ErrorCodes.ValidationFailed([$"Value '{shown}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+]"]);
        }

        return (version, weight);
    }

    // Lambda's messages print numbers as Java does (2 → "2.0").
    private static string JavaDouble(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }

    /// <summary>Parses a destination; throws Lambda's "destination ARN is invalid" for anything unsupported.</summary>
    public static DestinationAddress ParseDestination(string destination, bool onFailure, string self)
    {
        var address = DestinationAddress.TryParse(destination);
        if (address is null || (address.Kind == DestinationKind.Bucket && !onFailure))
        {
            throw ErrorCodes.InvalidParameter($"The destination ARN {DestinationAddress.Redact(destination)} is invalid.");
        }

        if (address.Kind == DestinationKind.Function && string.Equals(address.Name, self, StringComparison.Ordinal))
        {
            throw ErrorCodes.InvalidParameter(SelfDestinationMessage);
        }

        return address;
    }

    private static void Range(List<string> violations, string field, long? value, long min, long max)
    {
        if (value is null)
        {
            return;
        }

        var shown = value.Value.ToString(CultureInfo.InvariantCulture);
        if (value < min)
        {
            violations.Add($"Value '{shown}' at '{field}' failed to satisfy constraint: Member must have value greater than or equal to {min}");
        }
        else if (value > max)
        {
            violations.Add($"Value '{shown}' at '{field}' failed to satisfy constraint: Member must have value less than or equal to {max}");
        }
    }
}
