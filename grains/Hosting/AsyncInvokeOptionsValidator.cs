using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Functions;

namespace Orleans.AsyncInvoke.Hosting;

/// <summary>Checks <see cref="AsyncInvokeOptions"/> at start and reports every bad key at once.</summary>
internal sealed class AsyncInvokeOptionsValidator : IValidateOptions<AsyncInvokeOptions>
{
    private const string Prefix = AsyncInvokeOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, AsyncInvokeOptions options)
    {
        var failures = new List<string>();
        void Fail(string key, string message) => failures.Add($"{Prefix}:{key} {message}");

        if (!(options.TimeCompression is >= 1 and <= 100_000))
        {
            Fail(nameof(options.TimeCompression), $"must be between 1 and 100000 (was {options.TimeCompression}).");
        }

        if (options.Retention <= TimeSpan.Zero)
        {
            Fail(nameof(options.Retention), $"must be positive (was {options.Retention}).");
        }

        if (options.ReminderPeriod < TimeSpan.FromMinutes(1))
        {
            Fail(nameof(options.ReminderPeriod), $"must be at least 00:01:00, Orleans' minimum reminder period (was {options.ReminderPeriod}).");
        }

        if (options.WakeUpInterval < TimeSpan.FromMilliseconds(10) || options.WakeUpInterval > TimeSpan.FromMinutes(1))
        {
            Fail(nameof(options.WakeUpInterval), $"must be between 00:00:00.010 and 00:01:00 (was {options.WakeUpInterval}).");
        }

        if (options.MaxStartsInFlight is < 0 or > 1_000_000)
        {
            Fail(nameof(options.MaxStartsInFlight), $"must be between 0 and 1000000 (was {options.MaxStartsInFlight}).");
        }

        if (options.WakeUpConcurrency is < 1 or > 100_000)
        {
            Fail(nameof(options.WakeUpConcurrency), $"must be between 1 and 100000 (was {options.WakeUpConcurrency}).");
        }

        if (options.DeliveryConcurrency is < 1 or > 10_000)
        {
            Fail(nameof(options.DeliveryConcurrency), $"must be between 1 and 10000 (was {options.DeliveryConcurrency}).");
        }

        if (options.DeliveriesInFlight is < 1 or > 1_000_000)
        {
            Fail(nameof(options.DeliveriesInFlight), $"must be between 1 and 1000000 (was {options.DeliveriesInFlight}).");
        }

        if (options.DeliveryTimeout < TimeSpan.FromSeconds(1) || options.DeliveryTimeout > TimeSpan.FromMinutes(15))
        {
            Fail(nameof(options.DeliveryTimeout), $"must be between 00:00:01 and 00:15:00 (was {options.DeliveryTimeout}).");
        }

        if (options.ActiveWaitLimit < TimeSpan.Zero)
        {
            Fail(nameof(options.ActiveWaitLimit), $"must not be negative (was {options.ActiveWaitLimit}).");
        }

        if (options.FirstRetryDelay <= TimeSpan.Zero)
        {
            Fail(nameof(options.FirstRetryDelay), $"must be positive (was {options.FirstRetryDelay}).");
        }

        if (options.ThrottleInitialBackoff <= TimeSpan.Zero || options.ThrottleMaxBackoff < options.ThrottleInitialBackoff)
        {
            Fail(nameof(options.ThrottleMaxBackoff), $"must be at least ThrottleInitialBackoff, which must be positive (were {options.ThrottleInitialBackoff} and {options.ThrottleMaxBackoff}).");
        }

        if (options.MaxAsyncPayloadBytes <= 0)
        {
            Fail(nameof(options.MaxAsyncPayloadBytes), $"must be positive (was {options.MaxAsyncPayloadBytes}).");
        }

        if (options.MaxSyncPayloadBytes <= 0)
        {
            Fail(nameof(options.MaxSyncPayloadBytes), $"must be positive (was {options.MaxSyncPayloadBytes}).");
        }

        if (options.MaxResponseBytes <= 0)
        {
            Fail(nameof(options.MaxResponseBytes), $"must be positive (was {options.MaxResponseBytes}).");
        }

        if (string.IsNullOrWhiteSpace(options.Region) || options.Region.Contains(':', StringComparison.Ordinal))
        {
            Fail(nameof(options.Region), $"must be a region name such as us-east-1 (was '{options.Region}').");
        }

        if (options.AccountId is not { Length: 12 } || !options.AccountId.All(char.IsAsciiDigit))
        {
            Fail(nameof(options.AccountId), $"must be 12 digits (was '{options.AccountId}').");
        }

        foreach (var (fn, f) in options.Functions)
        {
            var key = $"Functions:{fn}";
            if (!FunctionNames.IsValid(fn))
            {
                Fail(key, "is not a valid function name (^[a-zA-Z0-9_-]{1,64}$).");
            }

            if (string.IsNullOrWhiteSpace(f.Target))
            {
                Fail($"{key}:Target", "is required.");
            }

            if (f.Timeout is { } timeout && (timeout < FunctionLimits.MinTimeout || timeout > FunctionLimits.MaxTimeout))
            {
                Fail($"{key}:Timeout", $"must be between {FunctionLimits.MinTimeout} and {FunctionLimits.MaxTimeout} (was {timeout}).");
            }

            if (f.ReservedConcurrency is < 0)
            {
                Fail($"{key}:ReservedConcurrency", $"must be 0 or more (was {f.ReservedConcurrency}).");
            }

            if (f.MaximumRetryAttempts is < FunctionLimits.MinRetryAttempts or > FunctionLimits.MaxRetryAttempts)
            {
                Fail($"{key}:MaximumRetryAttempts", $"must be between {FunctionLimits.MinRetryAttempts} and {FunctionLimits.MaxRetryAttempts} (was {f.MaximumRetryAttempts}).");
            }

            if (f.MaximumEventAgeInSeconds is < FunctionLimits.MinEventAgeSeconds or > FunctionLimits.MaxEventAgeSeconds)
            {
                Fail($"{key}:MaximumEventAgeInSeconds", $"must be between {FunctionLimits.MinEventAgeSeconds} and {FunctionLimits.MaxEventAgeSeconds} (was {f.MaximumEventAgeInSeconds}).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
