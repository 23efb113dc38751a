using Microsoft.Extensions.Logging;

namespace Orleans.AsyncInvoke.Invocations;

public sealed partial class InvocationGrain
{
    /// <summary>The scope of every line logged during an attempt: structured for exporters, readable on the console.</summary>
    internal static readonly Func<ILogger, string, string, IDisposable?> AttemptScope =
        LoggerMessage.DefineScope<string, string>("RequestId:{RequestId} FunctionName:{FunctionName}");

    [LoggerMessage(EventId = LogEvents.AttemptStarted, Level = LogLevel.Debug, Message = "Attempt {Attempt} of {RequestId} ({FunctionName}) started")]
    internal static partial void LogAttemptStarted(ILogger logger, string requestId, string functionName, int attempt);

    [LoggerMessage(EventId = LogEvents.RetryScheduled, Level = LogLevel.Information, Message = "Attempt {Attempt} of {RequestId} ({FunctionName}) failed; retry due at {DueAt:O}")]
    private static partial void LogRetryScheduled(ILogger logger, string requestId, string functionName, int attempt, DateTimeOffset dueAt);

    [LoggerMessage(EventId = LogEvents.Throttled, Level = LogLevel.Information, Message = "{RequestId} ({FunctionName}) held back ({Throttles} so far); next attempt due at {DueAt:O}")]
    private static partial void LogThrottled(ILogger logger, string requestId, string functionName, int throttles, DateTimeOffset dueAt);

    [LoggerMessage(EventId = LogEvents.Completed, Level = LogLevel.Information, Message = "{RequestId} ({FunctionName}) ended with {Condition} after {Attempts} attempt(s)")]
    internal static partial void LogCompleted(ILogger logger, string requestId, string functionName, string condition, int attempts);

    [LoggerMessage(EventId = LogEvents.Interrupted, Level = LogLevel.Warning, Message = "Attempt {Attempt} of {RequestId} ({FunctionName}) was interrupted by a silo failure and runs again")]
    private static partial void LogInterrupted(ILogger logger, string requestId, string functionName, int attempt);

    [LoggerMessage(EventId = LogEvents.Cleared, Level = LogLevel.Debug, Message = "{RequestId} cleared at the end of its retention period")]
    private static partial void LogCleared(ILogger logger, string requestId);

    [LoggerMessage(EventId = LogEvents.RecursionStopped, Level = LogLevel.Warning, Message = "{RequestId} ({FunctionName}) stopped: chain depth {Depth} exceeds the recursive-loop limit")]
    private static partial void LogRecursionStopped(ILogger logger, string requestId, string functionName, int depth);

    [LoggerMessage(EventId = LogEvents.WakeUpFailed, Level = LogLevel.Warning, Message = "Wake-up of {RequestId} failed; the activation reloads its stored state on the next wake-up")]
    private static partial void LogWakeUpFailed(ILogger logger, Exception exception, string requestId);

    [LoggerMessage(EventId = LogEvents.SystemError, Level = LogLevel.Warning, Message = "System error before an attempt of {RequestId} ({FunctionName}); backing off")]
    private static partial void LogSystemError(ILogger logger, Exception exception, string requestId, string functionName);
}
