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

    /// <summary>Parses a destination; throws Lambda's "destination ARN is invalid" for anything unsupported.</summary>
    public static DestinationAddress ParseDestination(string destination, bool onFailure, string self)
    {
        var address = DestinationAddress.TryParse(destination);
        if (address is null || (address.Kind == DestinationKind.Bucket && !onFailure))
        {
            throw ErrorCodes.InvalidParameter($"The destination ARN {destination} is invalid.");
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
