namespace Orleans.AsyncInvoke.Silo.Security;

/// <summary>How a route authenticates callers: in the convention its own clients already use.</summary>
public enum Surface
{
    /// <summary>No authentication (health probes).</summary>
    Anonymous,

    /// <summary>The Lambda API: Signature Version 4 (an API key as a bearer token also works).</summary>
    Lambda,

    /// <summary>Azure-style <c>/api/{function}</c>: <c>x-functions-key</c> or <c>?code=</c>, or a bearer token.</summary>
    Azure,

    /// <summary>Every other route: <c>Authorization: Bearer &lt;key&gt;</c>, or a SigV4 signature.</summary>
    Bearer,

    /// <summary>
    /// The Orleans Dashboard mounted beside the console: the console's session cookie (a browser navigates there) or
    /// a bearer API key. Unauthenticated browsers are sent to the console to sign in.
    /// </summary>
    Console,

    /// <summary>
    /// The AWS services on <c>POST /</c> (SQS; SNS and EventBridge to come): Signature Version 4 scoped to one of
    /// <see cref="AccessPolicy.AwsServiceNames"/> and this runtime's region (a bearer API key also works). Errors come
    /// in the service's protocol.
    /// </summary>
    Aws,
}

/// <summary>What one route needs: how callers authenticate, the permission, and the action named when it is denied.</summary>
public sealed record AccessRule(Surface Surface, Permission Permission, string Action);

/// <summary>Every route of the gateway with the permission it needs. A route missing here needs <c>admin</c>.</summary>
public static class AccessPolicy
{
    private static readonly Dictionary<string, AccessRule> Rules = new(StringComparer.OrdinalIgnoreCase)
    {
        ["GET /healthz"] = new(Surface.Anonymous, Permission.Read, "healthz"),
        ["GET /readyz"] = new(Surface.Anonymous, Permission.Read, "readyz"),
        ["GET /metrics"] = new(Surface.Bearer, Permission.Read, "asyncinvoke:GetMetrics"),

        ["POST /2015-03-31/functions"] = Lambda(Permission.Manage, "CreateFunction"),
        ["GET /2015-03-31/functions"] = Lambda(Permission.Read, "ListFunctions"),
        ["GET /2015-03-31/functions/{functionName}"] = Lambda(Permission.Read, "GetFunction"),
        ["GET /2015-03-31/functions/{functionName}/package"] = Lambda(Permission.Read, "GetFunction"),
        ["DELETE /2015-03-31/functions/{functionName}"] = Lambda(Permission.Manage, "DeleteFunction"),
        ["GET /2015-03-31/functions/{functionName}/configuration"] = Lambda(Permission.Read, "GetFunctionConfiguration"),
        ["PUT /2015-03-31/functions/{functionName}/configuration"] = Lambda(Permission.Manage, "UpdateFunctionConfiguration"),
        ["PUT /2015-03-31/functions/{functionName}/code"] = Lambda(Permission.Manage, "UpdateFunctionCode"),
        ["POST /2015-03-31/functions/{functionName}/versions"] = Lambda(Permission.Manage, "PublishVersion"),
        ["GET /2015-03-31/functions/{functionName}/versions"] = Lambda(Permission.Read, "ListVersionsByFunction"),
        ["POST /2015-03-31/functions/{functionName}/aliases"] = Lambda(Permission.Manage, "CreateAlias"),
        ["GET /2015-03-31/functions/{functionName}/aliases"] = Lambda(Permission.Read, "ListAliases"),
        ["GET /2015-03-31/functions/{functionName}/aliases/{aliasName}"] = Lambda(Permission.Read, "GetAlias"),
        ["PUT /2015-03-31/functions/{functionName}/aliases/{aliasName}"] = Lambda(Permission.Manage, "UpdateAlias"),
        ["DELETE /2015-03-31/functions/{functionName}/aliases/{aliasName}"] = Lambda(Permission.Manage, "DeleteAlias"),
        ["PUT /2017-10-31/functions/{functionName}/concurrency"] = Lambda(Permission.Manage, "PutFunctionConcurrency"),
        ["DELETE /2017-10-31/functions/{functionName}/concurrency"] = Lambda(Permission.Manage, "DeleteFunctionConcurrency"),
        ["GET /2019-09-30/functions/{functionName}/concurrency"] = Lambda(Permission.Read, "GetFunctionConcurrency"),
        ["GET /2024-08-31/functions/{functionName}/recursion-config"] = Lambda(Permission.Read, "GetFunctionRecursionConfig"),
        ["PUT /2024-08-31/functions/{functionName}/recursion-config"] = Lambda(Permission.Manage, "PutFunctionRecursionConfig"),
        ["GET /2015-03-31/functions/{functionName}/policy"] = Lambda(Permission.Read, "GetPolicy"),
        ["POST /2015-03-31/functions/{functionName}/policy"] = Lambda(Permission.Manage, "AddPermission"),
        ["DELETE /2015-03-31/functions/{functionName}/policy/{statementId}"] = Lambda(Permission.Manage, "RemovePermission"),
        ["GET /2017-03-31/tags/{resource}"] = Lambda(Permission.Read, "ListTags"),
        ["POST /2017-03-31/tags/{resource}"] = Lambda(Permission.Manage, "TagResource"),
        ["DELETE /2017-03-31/tags/{resource}"] = Lambda(Permission.Manage, "UntagResource"),
        ["GET /2016-08-19/account-settings"] = Lambda(Permission.Read, "GetAccountSettings"),
        ["GET /2020-06-30/functions/{functionName}/code-signing-config"] = Lambda(Permission.Read, "GetFunctionCodeSigningConfig"),
        ["GET /2021-10-31/functions/{functionName}/url"] = Lambda(Permission.Read, "GetFunctionUrlConfig"),
        ["GET /2021-07-20/functions/{functionName}/runtime-management-config"] = Lambda(Permission.Read, "GetRuntimeManagementConfig"),
        ["POST /2015-03-31/functions/{functionName}/invocations"] = Lambda(Permission.Invoke, "InvokeFunction"),
        ["POST /2014-11-13/functions/{functionName}/invoke-async"] = Lambda(Permission.Invoke, "InvokeAsync"),
        ["PUT /2019-09-25/functions/{functionName}/event-invoke-config"] = Lambda(Permission.Manage, "PutFunctionEventInvokeConfig"),
        ["POST /2019-09-25/functions/{functionName}/event-invoke-config"] = Lambda(Permission.Manage, "UpdateFunctionEventInvokeConfig"),
        ["GET /2019-09-25/functions/{functionName}/event-invoke-config"] = Lambda(Permission.Read, "GetFunctionEventInvokeConfig"),
        ["DELETE /2019-09-25/functions/{functionName}/event-invoke-config"] = Lambda(Permission.Manage, "DeleteFunctionEventInvokeConfig"),
        ["GET /2019-09-25/functions/{functionName}/event-invoke-config/list"] = Lambda(Permission.Read, "ListFunctionEventInvokeConfigs"),

        ["GET /api/{function}"] = new(Surface.Azure, Permission.Invoke, "asyncinvoke:InvokeFunction"),
        ["POST /api/{function}"] = new(Surface.Azure, Permission.Invoke, "asyncinvoke:InvokeFunction"),
        ["POST /async-function/{function}"] = Bearer(Permission.Invoke, "asyncinvoke:InvokeFunction"),
        ["POST /v2/{projectId}/fgs/functions/{functionUrn}/invocations-async"] = Bearer(Permission.Invoke, "asyncinvoke:InvokeFunction"),
        ["GET /invocations/{requestId}"] = Bearer(Permission.Read, "asyncinvoke:GetInvocation"),
        ["GET /invocations"] = Bearer(Permission.Read, "asyncinvoke:ListInvocations"),
        ["DELETE /invocations/{requestId}"] = Bearer(Permission.Manage, "asyncinvoke:CancelInvocation"),
        ["POST /invocations/{requestId}/retry"] = Bearer(Permission.Manage, "asyncinvoke:RetryInvocation"),
        ["GET /functions/{name}/async"] = Bearer(Permission.Read, "asyncinvoke:GetAsyncProcessing"),
        ["PUT /functions/{name}/async"] = Bearer(Permission.Manage, "asyncinvoke:PutAsyncProcessing"),

        ["GET /console"] = new(Surface.Anonymous, Permission.Read, "asyncinvoke:Console"),
        ["GET /console/{**path}"] = new(Surface.Anonymous, Permission.Read, "asyncinvoke:Console"),
        ["GET /console/session"] = new(Surface.Anonymous, Permission.Read, "asyncinvoke:Console"),
        ["POST /console/login"] = new(Surface.Anonymous, Permission.Read, "asyncinvoke:Console"),
        ["POST /console/logout"] = new(Surface.Anonymous, Permission.Read, "asyncinvoke:Console"),
        ["GET /stats"] = Bearer(Permission.Read, "asyncinvoke:GetStats"),
        ["POST /functions/{name}/redrive"] = Bearer(Permission.Manage, "asyncinvoke:RedriveFunction"),
        ["GET /functions/{name}/redrive"] = Bearer(Permission.Read, "asyncinvoke:GetRedrive"),
        ["GET /queues/{name}/peek"] = Bearer(Permission.Read, "asyncinvoke:PeekMessages"),

        ["GET /queues"] = Bearer(Permission.Read, "asyncinvoke:ListQueues"),
        ["POST /queues/{name}/messages"] = Bearer(Permission.Manage, "asyncinvoke:SendMessage"),
        ["GET /queues/{name}/messages"] = Bearer(Permission.Consume, "asyncinvoke:ReceiveMessage"),
        ["DELETE /queues/{name}/messages/{receiptHandle}"] = Bearer(Permission.Consume, "asyncinvoke:DeleteMessage"),
        ["DELETE /queues/{name}/messages"] = Bearer(Permission.Consume, "asyncinvoke:DeleteMessage"),
        ["POST /queues/{name}/purge"] = Bearer(Permission.Manage, "asyncinvoke:PurgeQueue"),
        ["GET /destinations"] = Bearer(Permission.Read, "asyncinvoke:GetDestination"),
        ["GET /destinations/parked"] = Bearer(Permission.Read, "asyncinvoke:ListParkedDeliveries"),
        ["POST /destinations/redrive"] = Bearer(Permission.Manage, "asyncinvoke:RedriveDeliveries"),
        ["GET /topics/{name}/subscriptions"] = Bearer(Permission.Read, "asyncinvoke:ListSubscriptions"),
        ["PUT /topics/{name}/subscriptions"] = Bearer(Permission.Manage, "asyncinvoke:Subscribe"),
        ["DELETE /topics/{name}/subscriptions"] = Bearer(Permission.Manage, "asyncinvoke:Unsubscribe"),
        ["GET /eventbuses/{bus}/rules"] = Bearer(Permission.Read, "asyncinvoke:ListRules"),
        ["PUT /eventbuses/{bus}/rules/{rule}"] = Bearer(Permission.Manage, "asyncinvoke:PutRule"),
        ["DELETE /eventbuses/{bus}/rules/{rule}"] = Bearer(Permission.Manage, "asyncinvoke:DeleteRule"),

        // One route for every operation of the AWS services: the weakest permission here, and each operation checks
        // its own (SQS: reads need read, receive/delete/change visibility consume, the rest manage).
        ["POST /"] = new(Surface.Aws, Permission.Read, "aws:CallService"),
        ["POST " + Gateway.Aws.AwsServiceEndpoint.QueueUrlPattern] = new(Surface.Aws, Permission.Read, "aws:CallService"),
    };

    /// <summary>The services a SigV4 signature on <see cref="Surface.Aws"/> may be scoped to.</summary>
    public static readonly IReadOnlySet<string> AwsServiceNames = new HashSet<string>(StringComparer.Ordinal) { "sqs", "sns", "events" };

    /// <summary>The rule of a route (<c>METHOD /pattern</c>), or <c>null</c> when the route is not listed.</summary>
    public static AccessRule? Find(string method, string pattern)
    {
        var route = pattern.StartsWith('/') ? pattern : "/" + pattern;
        return Rules.GetValueOrDefault($"{method} {route}")
            ?? (route.StartsWith(DashboardPrefix, StringComparison.OrdinalIgnoreCase) && (route.Length == DashboardPrefix.Length || route[DashboardPrefix.Length] == '/')
                ? new AccessRule(Surface.Console, Permission.Read, "asyncinvoke:Dashboard")
                : null);
    }

    /// <summary>Where the Orleans Dashboard is mounted: every route under it reads cluster internals.</summary>
    public const string DashboardPrefix = "/dashboard";

    /// <summary>The rule that applies to a route missing from the table: authenticated, admin only.</summary>
    public static AccessRule Unlisted(string method, string pattern) => new(Surface.Bearer, Permission.Manage, $"{method} {pattern}");

    private static AccessRule Lambda(Permission permission, string operation) => new(Surface.Lambda, permission, "lambda:" + operation);

    private static AccessRule Bearer(Permission permission, string action) => new(Surface.Bearer, permission, action);
}
