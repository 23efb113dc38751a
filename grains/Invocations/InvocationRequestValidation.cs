using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Security;

namespace Orleans.AsyncInvoke.Invocations;

/// <summary>
/// The checks of an event's delay and its own settings, made where the event is accepted so the HTTP gateway and
/// the client SDK refuse alike. Ranges and messages are the event-invoke-config's own.
/// </summary>
public sealed class InvocationRequestValidation(FunctionArns arns, OutboundAddressGuard guard, IGrainFactory grains)
{
    /// <summary>The longest delay an event may ask for.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(365);

    /// <summary>Whether <paramref name="request"/> carries anything to check (most events carry nothing).</summary>
    public static bool HasExtras(InvocationRequest request) =>
        request.InvokeAfter is not null || request.InvokeAt is not null || InvocationOverrides.Of(request) is not null;

    /// <summary>
    /// The request with its delay as an absolute <see cref="InvocationRequest.InvokeAt"/> (none when it is due now);
    /// throws the refusal as <see cref="AsyncInvokeException"/>.
    /// </summary>
    public async Task<InvocationRequest> NormalizeAsync(InvocationRequest request, DateTimeOffset now)
    {
        var invokeAt = DueAt(request, now);
        FunctionValidation.ValidateRanges(new EventInvokeConfigInput
        {
            MaximumRetryAttempts = request.MaximumRetryAttempts,
            MaximumEventAgeInSeconds = request.MaximumEventAgeInSeconds,
        });
        await DestinationValidation.ValidateAsync(request.OnSuccess, onFailure: false, request.FunctionName, arns, guard, grains);
        await DestinationValidation.ValidateAsync(request.OnFailure, onFailure: true, request.FunctionName, arns, guard, grains);
        return request with
        {
            InvokeAfter = null,
            InvokeAt = invokeAt > now ? invokeAt : null,
            OnSuccess = string.IsNullOrEmpty(request.OnSuccess) ? null : request.OnSuccess,
            OnFailure = string.IsNullOrEmpty(request.OnFailure) ? null : request.OnFailure,
        };
    }

    private static DateTimeOffset DueAt(InvocationRequest request, DateTimeOffset now)
    {
        if (request.InvokeAfter is not null && request.InvokeAt is not null)
        {
            throw ErrorCodes.InvalidParameter("Send either a delay (X-AsyncInvoke-Invoke-After) or a start time (X-AsyncInvoke-Invoke-At), not both.");
        }

        if (request.InvokeAfter is { } after)
        {
            if (after < TimeSpan.Zero || after > MaxDelay)
            {
                throw ErrorCodes.InvalidParameter($"The delay must be between 0 and {(long)MaxDelay.TotalSeconds} seconds (365 days); it was {after.TotalSeconds:0.###} seconds.");
            }

            return now + after;
        }

        if (request.InvokeAt is { } at)
        {
            if (at < now)
            {
                throw ErrorCodes.InvalidParameter($"The start time {at:O} is in the past (now is {now:O}).");
            }

            if (at - now > MaxDelay)
            {
                throw ErrorCodes.InvalidParameter($"The start time {at:O} is more than 365 days ahead.");
            }

            return at;
        }

        return now;
    }
}
