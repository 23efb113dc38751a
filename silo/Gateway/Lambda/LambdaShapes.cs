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
            ["Architectures"] = new JsonArray("x86_64"),
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

    public static JsonObject Alias(AliasConfiguration a, FunctionArns arns, string functionName) => new()
    {
        ["AliasArn"] = arns.Qualified(functionName, a.Name),
        ["Name"] = a.Name,
        ["FunctionVersion"] = a.FunctionVersion,
        ["Description"] = a.Description ?? "",
        ["RevisionId"] = a.RevisionId,
    };
}
