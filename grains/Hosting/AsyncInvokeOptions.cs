namespace Orleans.AsyncInvoke.Hosting;

/// <summary>Runtime settings, bound from the <c>AsyncInvoke</c> configuration section.</summary>
public sealed class AsyncInvokeOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AsyncInvoke";

    /// <summary>
    /// Divides every platform wait (retry delays, throttle backoff, maximum event age) so that demos and black-box
    /// tests run N times faster. Configured and reported values are unchanged. Default 1.
    /// </summary>
    public double TimeCompression { get; set; } = 1;

    /// <summary>How long a finished invocation stays readable before it is cleared. Default 24 hours.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Whether a succeeded invocation keeps its request and response payloads (and its record as delivered) for
    /// <see cref="Retention"/>. Off by default: it keeps its outcome, timestamps, attempts and the payload's size, and
    /// its status shows the record with both payloads <c>null</c>. Failed and cancelled invocations always keep their
    /// payload, which a redrive runs again.
    /// </summary>
    public bool KeepSucceededPayloads { get; set; }

    /// <summary>
    /// Period of the durable wake-up: how long after a wake-up was claimed (or an attempt's deadline passed) an
    /// invocation is woken again if its silo was lost; also the period of destination and callback reminders
    /// (at least 1 minute, Orleans' minimum). Default 1 minute.
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// First attempts one silo starts straight from memory at once; events accepted past this wait in the wake-up index
    /// (due at once) until the pump has room, so accepts that outrun attempts cannot fill the silo's memory. Default 10,000.
    /// </summary>
    public int MaxStartsInFlight { get; set; } = 10_000;

    /// <summary>How often each silo looks for due wake-ups in the store's index. Default 100 ms.</summary>
    public TimeSpan WakeUpInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How many wake-ups one silo has in flight at once. Each is an activation that reads its state, so this bounds
    /// both the memory of a burst of due retries and how fast it drains. Default 1,024.
    /// </summary>
    public int WakeUpConcurrency { get; set; } = 1024;

    /// <summary>
    /// Waits up to this long keep the invocation active with a precise grain timer; longer ones let it deactivate
    /// (nothing of it stays in silo memory) until the wake-up index wakes it. Default 10 s.
    /// </summary>
    public TimeSpan ActiveWaitLimit { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Delay before the first retry after a function error; each further retry doubles it. Default 60 s.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>First wait after a throttle or system error; doubles on each. Default 1 s.</summary>
    public TimeSpan ThrottleInitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait after a throttle or system error. Default 5 minutes.</summary>
    public TimeSpan ThrottleMaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a failing destination is retried before the delivery is parked. Default 6 hours.</summary>
    public TimeSpan DeliveryRetryWindow { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// Deliveries (or batches, for built-in queues, topics and buses) one silo has in flight to one destination at
    /// once; every silo delivers, so a cluster of N silos has up to N times this. Default 64.
    /// </summary>
    public int DeliveryConcurrency { get; set; } = 64;

    /// <summary>
    /// Deliveries one silo holds at once (in flight or waiting for a slot of their destination); past this, new ones
    /// wait in the store's due index until there is room. Default 10,000.
    /// </summary>
    public int DeliveriesInFlight { get; set; } = 10_000;

    /// <summary>How long one delivery attempt may take before it counts as failed. Default 30 s.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest asynchronous (<c>Event</c>) payload. Default 1 MiB.</summary>
    public int MaxAsyncPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest synchronous (<c>RequestResponse</c>) payload. Default 6 MiB.</summary>
    public int MaxSyncPayloadBytes { get; set; } = 6 * 1024 * 1024;

    /// <summary>Largest response an HTTP or process function may return; more is a function error. Default 6 MiB.</summary>
    public int MaxResponseBytes { get; set; } = 6 * 1024 * 1024;

    /// <summary>Region used in ARNs. Default <c>us-east-1</c>.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Account id used in ARNs. Default <c>000000000000</c>.</summary>
    public string AccountId { get; set; } = "000000000000";

    /// <summary>Functions defined by configuration, by name; applied to the cluster at start.</summary>
    public Dictionary<string, FunctionOptions> Functions { get; set; } = new(StringComparer.Ordinal);
}
