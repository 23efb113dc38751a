namespace Orleans.AsyncInvoke.Functions;

/// <summary>One statement of a function's resource-based policy, as <c>AddPermission</c> received it.</summary>
[GenerateSerializer]
[Immutable]
[Alias("AsyncInvoke.PermissionStatement")]
public sealed record PermissionStatement
{
    /// <summary>The statement id, unique within the policy of one qualifier.</summary>
    [Id(0)] public required string Sid { get; init; }

    /// <summary>The action granted (<c>lambda:InvokeFunction</c>, <c>lambda:*</c>…).</summary>
    [Id(1)] public required string Action { get; init; }

    /// <summary>The principal as sent: a service (<c>s3.amazonaws.com</c>), an account id, an IAM ARN or <c>*</c>.</summary>
    [Id(2)] public required string Principal { get; init; }

    /// <summary>The function ARN the statement applies to (qualified when the permission was added to a qualifier).</summary>
    [Id(3)] public string Resource { get; init; } = "";

    /// <summary>The <c>AWS:SourceArn</c> condition, or <c>null</c>.</summary>
    [Id(4)] public string? SourceArn { get; init; }

    /// <summary>The <c>AWS:SourceAccount</c> condition, or <c>null</c>.</summary>
    [Id(5)] public string? SourceAccount { get; init; }

    /// <summary>The <c>aws:PrincipalOrgID</c> condition, or <c>null</c>.</summary>
    [Id(6)] public string? PrincipalOrgId { get; init; }

    /// <summary>The <c>lambda:EventSourceToken</c> condition, or <c>null</c>.</summary>
    [Id(7)] public string? EventSourceToken { get; init; }

    /// <summary>The <c>lambda:FunctionUrlAuthType</c> condition, or <c>null</c>.</summary>
    [Id(8)] public string? FunctionUrlAuthType { get; init; }
}
