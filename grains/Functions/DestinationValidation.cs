using Orleans.AsyncInvoke.Destinations;
using Orleans.AsyncInvoke.Security;

namespace Orleans.AsyncInvoke.Functions;

/// <summary>
/// The checks a destination passes before it is used, in Lambda's words: by an event-invoke-config and by an
/// event's own <c>X-AsyncInvoke-On-Success</c> / <c>On-Failure</c>, so both are refused alike.
/// </summary>
internal static class DestinationValidation
{
    /// <summary>Refuses a destination that is malformed, foreign, guarded, or names a missing function; returns its address.</summary>
    /// <returns>The parsed address, or <c>null</c> when <paramref name="destination"/> is empty.</returns>
    public static async Task<DestinationAddress?> ValidateAsync(
        string? destination, bool onFailure, string self, FunctionArns arns, OutboundAddressGuard guard, IGrainFactory grains)
    {
        if (string.IsNullOrEmpty(destination))
        {
            return null;
        }

        var address = FunctionValidation.ParseDestination(destination, onFailure, self);
        if (arns.ForeignArnProblem(destination) is { } foreign)
        {
            throw ErrorCodes.InvalidParameter(foreign);
        }

        if (address.Kind is DestinationKind.Webhook or DestinationKind.RabbitMq && guard.RefusalOf(address.Name) is { } refused)
        {
            throw ErrorCodes.InvalidParameter($"The destination {address.Shown} is refused: {refused}");
        }

        if (address.Kind == DestinationKind.Function && await grains.GetGrain<IFunctionGrain>(address.Name).GetAsync() is null)
        {
            // Lambda's own words, which SDK users and tools match on; the ARN in them names the missing function.
            throw ErrorCodes.InvalidParameter($"The destination ARN {destination} is invalid.");
        }

        return address;
    }
}
