namespace Orleans.AsyncInvoke.Destinations.EventBus;

/// <summary>
/// An event pattern EventBridge would refuse. The message is EventBridge's (<c>Event pattern is not valid. Reason: …</c>)
/// so that a wire API can answer <c>InvalidEventPatternException</c> with it unchanged.
/// </summary>
public sealed class InvalidEventPatternException : Exception
{
    /// <summary>Creates the error for <paramref name="reason"/>.</summary>
    public InvalidEventPatternException(string reason)
        : base($"Event pattern is not valid. Reason: {reason}")
    {
        Reason = reason;
    }

    /// <summary>What is wrong with the pattern, without the leading sentence.</summary>
    public string Reason { get; }
}
