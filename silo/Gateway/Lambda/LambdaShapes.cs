using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Orleans.AsyncInvoke.Functions;

namespace Orleans.AsyncInvoke.Silo.Gateway.Lambda;

/// <summary>The Lambda API's JSON shapes for the runtime's records.</summary>
internal static class LambdaShapes
{
    public static JsonObject FunctionConfiguration(FunctionDefinition d, FunctionArns arns, string region, string account)
    {
        var arn = d.Version == FunctionNames.Latest ? arns.Unqualified(d.Name) : arns.Qualified(d.Name, d.Version);
        var configuration = new JsonObject
        {
            ["FunctionName"] = d.Name,
            ["FunctionArn"] = arn,
            ["Role"] = d.Role ?? $"arn:aws:iam::{account}:role/asyncinvoke",
            ["CodeSize"] = d.CodeSize,
            ["Description"] = d.Description ?? "",
            ["Timeout"] = (int)Math.Ceiling(d.Timeout.TotalSeconds),
            ["MemorySize"] = d.MemorySize,
            ["LastModified"] = d.LastModified.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture),
            ["CodeSha256"] = d.CodeSha256 ?? Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(d.Target))),
            ["Version"] = d.Version,
            ["RevisionId"] = d.RevisionId,
            ["State"] = "Active",
            ["LastUpdateStatus"] = "Successful",
            ["PackageType"] = d.Runtime is null ? "Image" : "Zip",
            ["Architectures"] = new JsonArray(d.Architecture),
        };
        if (d.Runtime is not null)
        {
            configuration["Runtime"] = d.Runtime;
            configuration["Handler"] = d.Handler;
        }

        if (d.Environment.Count > 0)
        {
            var variables = new JsonObject();
            foreach (var (key, value) in d.Environment)
            {
                variables[key] = value;
            }

            configuration["Environment"] = new JsonObject { ["Variables"] = variables };
        }

        if (d.DeadLetterTarget is not null)
        {
            configuration["DeadLetterConfig"] = new JsonObject { ["TargetArn"] = d.DeadLetterTarget };
        }

        _ = region;
        return configuration;
    }

    public static JsonObject EventInvokeConfig(EventInvokeConfig c)
    {
        var onSuccess = new JsonObject();
        if (c.OnSuccess is not null)
        {
            onSuccess["Destination"] = c.OnSuccess;
        }

        var onFailure = new JsonObject();
        if (c.OnFailure is not null)
        {
            onFailure["Destination"] = c.OnFailure;
        }

        var body = new JsonObject
        {
            ["LastModified"] = c.LastModified.ToUnixTimeMilliseconds() / 1000.0,
            ["FunctionArn"] = c.FunctionArn,
        };
        if (c.MaximumRetryAttempts is { } retries)
        {
            body["MaximumRetryAttempts"] = retries;
        }

        if (c.MaximumEventAgeInSeconds is { } age)
        {
            body["MaximumEventAgeInSeconds"] = age;
        }

        body["DestinationConfig"] = new JsonObject { ["OnSuccess"] = onSuccess, ["OnFailure"] = onFailure };
        return body;
    }

    public static JsonObject Alias(AliasConfiguration a, FunctionArns arns, string functionName)
    {
        var alias = new JsonObject
        {
            ["AliasArn"] = arns.Qualified(functionName, a.Name),
            ["Name"] = a.Name,
            ["FunctionVersion"] = a.FunctionVersion,
            ["Description"] = a.Description ?? "",
            ["RevisionId"] = a.RevisionId,
        };
        if (a.AdditionalVersionWeights is { Count: > 0 } weights)
        {
            var map = new JsonObject();
            foreach (var (version, weight) in weights)
            {
                map[version] = weight;
            }

            alias["RoutingConfig"] = new JsonObject { ["AdditionalVersionWeights"] = map };
        }

        return alias;
    }

    public static JsonObject Tags(IReadOnlyDictionary<string, string> tags)
    {
        var map = new JsonObject();
        foreach (var (key, value) in tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            map[key] = value;
        }

        return map;
    }

    /// <summary>A policy document as IAM writes it (<c>Version</c>, <c>Id</c>, <c>Statement</c>).</summary>
    public static JsonObject Policy(FunctionPolicy policy) => new()
    {
        ["Version"] = "2012-10-17",
        ["Id"] = "default",
        ["Statement"] = new JsonArray([.. policy.Statements.Select(s => (JsonNode)Statement(s))]),
    };

    /// <summary>One statement: the principal in IAM's form, and each condition AddPermission sets under its operator.</summary>
    public static JsonObject Statement(PermissionStatement s)
    {
        var statement = new JsonObject
        {
            ["Sid"] = s.Sid,
            ["Effect"] = "Allow",
            ["Principal"] = PolicyPrincipal(s.Principal),
            ["Action"] = s.Action,
            ["Resource"] = s.Resource,
        };
        var equals = new JsonObject();
        if (s.FunctionUrlAuthType is not null)
        {
            equals["lambda:FunctionUrlAuthType"] = s.FunctionUrlAuthType;
        }

        if (s.PrincipalOrgId is not null)
        {
            equals["aws:PrincipalOrgID"] = s.PrincipalOrgId;
        }

        if (s.SourceAccount is not null)
        {
            equals["AWS:SourceAccount"] = s.SourceAccount;
        }

        if (s.EventSourceToken is not null)
        {
            equals["lambda:EventSourceToken"] = s.EventSourceToken;
        }

        var condition = new JsonObject();
        if (equals.Count > 0)
        {
            condition["StringEquals"] = equals;
        }

        if (s.SourceArn is not null)
        {
            condition["ArnLike"] = new JsonObject { ["AWS:SourceArn"] = s.SourceArn };
        }

        if (condition.Count > 0)
        {
            statement["Condition"] = condition;
        }

        return statement;
    }

    private static JsonNode PolicyPrincipal(string principal) => FunctionValidation.PrincipalKind(principal) switch
    {
        "Service" => new JsonObject { ["Service"] = principal },
        "AWS" when principal.All(char.IsAsciiDigit) => new JsonObject { ["AWS"] = $"arn:aws:iam::{principal}:root" },
        "AWS" => new JsonObject { ["AWS"] = principal },
        _ => "*",
    };
}
