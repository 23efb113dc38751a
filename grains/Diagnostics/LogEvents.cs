namespace Orleans.AsyncInvoke;

/// <summary>Event ids of the runtime's log messages, kept in one place so they never collide.</summary>
internal static class LogEvents
{
    public const int EmbeddedProfile = 1000;
    public const int RedisProfile = 1001;
    public const int FunctionsApplied = 1002;
    public const int FunctionApplyFailed = 1003;
    public const int KubernetesProfile = 1010;
    public const int ShutdownDraining = 1011;
    public const int ShutdownForced = 1012;
    public const int FunctionsApplyRetrying = 1013;
    public const int RedisLayout = 1014;

    public const int Accepted = 2000;
    public const int AttemptStarted = 2001;
    public const int AttemptTimedOut = 2002;
    public const int RetryScheduled = 2003;
    public const int Throttled = 2004;
    public const int Completed = 2005;
    public const int Interrupted = 2006;
    public const int Cleared = 2007;
    public const int SystemError = 2008;
    public const int RecursionStopped = 2010;
    public const int WakeUpFailed = 2011;
    public const int WakeUpPumpFailed = 2012;
    public const int WakeFailed = 2013;
    public const int AcceptStoreFailed = 2014;
    public const int StartFailed = 2015;
    public const int FunctionResolvedFromCache = 2016;
    public const int Cancelled = 2017;
    public const int CancelRequested = 2018;
    public const int Redriven = 2019;
    public const int HeldWhilePaused = 2020;
    public const int AsyncPauseChanged = 2021;
    public const int ResumeWakeFailed = 2022;
    public const int ActivityReportFailed = 2023;
    public const int RedriveStarted = 2024;
    public const int RedriveEnded = 2025;
    public const int RedriveResumed = 2026;
    public const int FirstAttemptFailed = 2027;
    public const int FirstAttemptSuperseded = 2028;
    public const int DestinationCycle = 1004;

    public const int CallbackDelivered = 2100;
    public const int CallbackRetrying = 2101;
    public const int CallbackParked = 2102;

    public const int HttpFunctionUnreachable = 2200;
    public const int CustomHandlerLog = 2201;
    public const int ProcessStandardError = 2300;

    public const int LambdaStart = 2310;
    public const int LambdaEnd = 2311;
    public const int LambdaReport = 2312;
    public const int LambdaOutput = 2313;

    public const int DeliveryRetrying = 2400;
    public const int DeliveryParked = 2401;
    public const int DeliveryPumpFailed = 2402;
    public const int DeliveryAcknowledgeFailed = 2403;
    public const int DeliveriesMigrated = 2404;
    public const int DeliveryChainEnded = 2405;
    public const int Delivered = 2406;
    public const int EventRuleUnusable = 2407;
    public const int RabbitMqConnected = 2410;
    public const int RabbitMqConnectionLost = 2411;

    public const int LambdaGatewayFailure = 3000;
    public const int GatewayFailure = 3001;
    public const int AwsServiceFailure = 3002;

    public const int AuthenticationRefused = 3100;
    public const int AccessDenied = 3101;
    public const int AuthenticationOff = 3102;
    public const int AuthenticationOn = 3103;
    public const int ClusterTls = 3104;
}
