using System.Globalization;
using System.Text.Json;

namespace Orleans.AsyncInvoke.Queues;

/// <summary>
/// The queue attributes a built-in queue takes, by their SQS names, with SQS's defaults and bounds. Attributes that
/// only FIFO queues have are refused: the built-in queues are standard queues.
/// </summary>
public static class QueueAttributes
{
    /// <summary>The <c>DelaySeconds</c> attribute.</summary>
    public const string DelaySeconds = "DelaySeconds";
    /// <summary>The <c>MaximumMessageSize</c> attribute.</summary>
    public const string MaximumMessageSize = "MaximumMessageSize";
    /// <summary>The <c>MessageRetentionPeriod</c> attribute.</summary>
    public const string MessageRetentionPeriod = "MessageRetentionPeriod";
    /// <summary>The <c>ReceiveMessageWaitTimeSeconds</c> attribute.</summary>
    public const string ReceiveMessageWaitTimeSeconds = "ReceiveMessageWaitTimeSeconds";
    /// <summary>The <c>VisibilityTimeout</c> attribute.</summary>
    public const string VisibilityTimeout = "VisibilityTimeout";
    /// <summary>The <c>RedrivePolicy</c> attribute.</summary>
    public const string RedrivePolicy = "RedrivePolicy";
    /// <summary>The <c>RedriveAllowPolicy</c> attribute.</summary>
    public const string RedriveAllowPolicy = "RedriveAllowPolicy";
    /// <summary>The <c>Policy</c> attribute.</summary>
    public const string Policy = "Policy";
    /// <summary>The <c>KmsMasterKeyId</c> attribute.</summary>
    public const string KmsMasterKeyId = "KmsMasterKeyId";
    /// <summary>The <c>KmsDataKeyReusePeriodSeconds</c> attribute.</summary>
    public const string KmsDataKeyReusePeriodSeconds = "KmsDataKeyReusePeriodSeconds";
    /// <summary>The <c>SqsManagedSseEnabled</c> attribute.</summary>
    public const string SqsManagedSseEnabled = "SqsManagedSseEnabled";
    /// <summary>The <c>FifoQueue</c> attribute.</summary>
    public const string FifoQueue = "FifoQueue";

    /// <summary>Read-only attributes a read reports (besides the settable ones).</summary>
    public static readonly IReadOnlyList<string> Computed =
    [
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
        "CreatedTimestamp", "LastModifiedTimestamp", "QueueArn",
    ];

    /// <summary>The settable attributes with their defaults (an empty default: unset unless given).</summary>
    public static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [DelaySeconds] = "0",
        // 1 MiB, as SQS allows since 2025: an invocation record carries up to 256 KB of each payload.
        [MaximumMessageSize] = "1048576",
        [MessageRetentionPeriod] = "345600",
        [ReceiveMessageWaitTimeSeconds] = "0",
        [VisibilityTimeout] = "30",
        [SqsManagedSseEnabled] = "false",
        [RedrivePolicy] = "",
        [RedriveAllowPolicy] = "",
        [Policy] = "",
        [KmsMasterKeyId] = "",
        [KmsDataKeyReusePeriodSeconds] = "",
    };

    private static readonly HashSet<string> FifoOnly = new(StringComparer.Ordinal)
    {
        "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit",
    };

    /// <summary>The message that refuses FIFO queues.</summary>
    public const string FifoRefusal = "FIFO queues are not supported: the built-in queues are standard queues (at least once, best-effort order). Use a name without the .fifo suffix and no FIFO attributes.";

    /// <summary>The default of a settable attribute; <c>null</c> for one that is not.</summary>
    public static string? Default(string name) => Defaults.TryGetValue(name, out var value) ? value : null;

    /// <summary>Whether the name is an attribute a read may ask for.</summary>
    public static bool IsKnown(string name) => Defaults.ContainsKey(name) || Computed.Contains(name) || name == "All";

    /// <summary>Why an attribute cannot be set to the value, or <c>null</c> when it can.</summary>
    public static string? Problem(string name, string value)
    {
        if (FifoOnly.Contains(name) || (name == FifoQueue && !string.Equals(value, "false", StringComparison.OrdinalIgnoreCase)))
        {
            return FifoRefusal;
        }

        return name switch
        {
            FifoQueue => null,
            DelaySeconds => Range(name, value, 0, 900),
            MaximumMessageSize => Range(name, value, 1024, 1_048_576),
            MessageRetentionPeriod => Range(name, value, 60, 1_209_600),
            ReceiveMessageWaitTimeSeconds => Range(name, value, 0, 20),
            VisibilityTimeout => Range(name, value, 0, 43_200),
            KmsDataKeyReusePeriodSeconds => value.Length == 0 ? null : Range(name, value, 60, 86_400),
            SqsManagedSseEnabled => value is "true" or "false" ? null : $"Invalid value for the parameter {name}: use true or false.",
            RedrivePolicy => value.Length == 0 ? null : ParseRedrivePolicy(value, out var problem) is null ? problem : null,
            RedriveAllowPolicy or Policy or KmsMasterKeyId => null,
            _ => Computed.Contains(name) ? $"Attribute {name} is read-only." : $"Unknown Attribute {name}.",
        };
    }

    /// <summary>
    /// The dead-letter queue's name and the receive count of a <c>RedrivePolicy</c>
    /// (<c>{"deadLetterTargetArn":"arn:aws:sqs:…:name","maxReceiveCount":5}</c>); <c>null</c> with the problem otherwise.
    /// </summary>
    public static (string Queue, int MaxReceiveCount)? ParseRedrivePolicy(string policy, out string? problem)
    {
        const string Shape = "Value {0} for parameter RedrivePolicy is invalid. Reason: {1}";
        try
        {
            using var document = JsonDocument.Parse(policy);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("deadLetterTargetArn", out var arn) || arn.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("maxReceiveCount", out var count))
            {
                problem = string.Format(CultureInfo.InvariantCulture, Shape, policy, "Redrive policy requires deadLetterTargetArn and maxReceiveCount.");
                return null;
            }

            var parts = arn.GetString()!.Split(':');
            if (parts.Length != 6 || parts[0] != "arn" || parts[2] != "sqs" || parts[5].Length == 0)
            {
                problem = string.Format(CultureInfo.InvariantCulture, Shape, policy, "Invalid value for deadLetterTargetArn: use arn:aws:sqs:<region>:<account>:<queue name>.");
                return null;
            }

            var max = count.ValueKind switch
            {
                JsonValueKind.Number when count.TryGetInt32(out var n) => n,
                JsonValueKind.String when int.TryParse(count.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
                _ => 0,
            };
            if (max is < 1 or > 1000)
            {
                problem = string.Format(CultureInfo.InvariantCulture, Shape, policy, "Invalid value for maxReceiveCount: must be an integer from 1 to 1000.");
                return null;
            }

            problem = null;
            return (parts[5], max);
        }
        catch (JsonException)
        {
            problem = string.Format(CultureInfo.InvariantCulture, Shape, policy, "The policy is not valid JSON.");
            return null;
        }
    }

    private static string? Range(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? null
            : $"Invalid value for the parameter {name}: must be an integer from {min} to {max} (was '{value}').";
}
