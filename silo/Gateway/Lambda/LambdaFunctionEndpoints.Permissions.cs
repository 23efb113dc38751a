using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;

namespace Orleans.AsyncInvoke.Silo.Gateway.Lambda;

/// <summary>ListTags / TagResource / UntagResource and GetPolicy / AddPermission / RemovePermission.</summary>
internal static partial class LambdaFunctionEndpoints
{
    private const string TaggableArnPattern = @"arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?";

    private static async Task<IResult> ListTagsAsync(string resource, IGrainFactory grains, IOptions<AsyncInvokeOptions> options)
    {
        var name = TaggedFunction(resource, options.Value);
        var tags = await grains.GetGrain<IFunctionGrain>(name).GetTagsAsync();
        return Results.Json(new JsonObject { ["Tags"] = LambdaShapes.Tags(tags) });
    }

    private static async Task<IResult> TagResourceAsync(HttpContext http, string resource, IGrainFactory grains, IOptions<AsyncInvokeOptions> options, IOptions<GatewayOptions> gateway)
    {
        var name = TaggedFunction(resource, options.Value);
        var body = await LambdaRequest.ReadObjectAsync(http.Request, gateway.Value.MaxJsonBodyBytes);
        var tags = body.StringMap("Tags")
            ?? throw ErrorCodes.ValidationFailed(["Value null at 'tags' failed to satisfy constraint: Member must not be null"]);
        await grains.GetGrain<IFunctionGrain>(name).TagAsync(tags);
        return Results.NoContent();
    }

    private static async Task<IResult> UntagResourceAsync(HttpContext http, string resource, IGrainFactory grains, IOptions<AsyncInvokeOptions> options)
    {
        var name = TaggedFunction(resource, options.Value);
        var keys = http.Request.Query["tagKeys"].Where(k => !string.IsNullOrEmpty(k)).Select(k => k!).ToList();
        if (keys.Count == 0)
        {
            throw ErrorCodes.ValidationFailed(["Value null at 'tagKeys' failed to satisfy constraint: Member must not be null"]);
        }

        await grains.GetGrain<IFunctionGrain>(name).UntagAsync(keys);
        return Results.NoContent();
    }

    private static async Task<IResult> GetPolicyAsync(HttpContext http, string functionName, IGrainFactory grains)
    {
        var (name, qualifier) = LambdaFunctionName.Parse(functionName, http.Request.Query["Qualifier"]);
        var policy = await grains.GetGrain<IFunctionGrain>(name).GetPolicyAsync(qualifier);
        // Lambda returns the policy document as a JSON string, as IAM stores it.
        return Results.Json(new JsonObject
        {
            ["Policy"] = LambdaShapes.Policy(policy).ToJsonString(ReadableJson.Web),
            ["RevisionId"] = policy.RevisionId,
        });
    }

    private static async Task<IResult> AddPermissionAsync(HttpContext http, string functionName, IGrainFactory grains, IOptions<GatewayOptions> gateway)
    {
        var (name, qualifier) = LambdaFunctionName.Parse(functionName, http.Request.Query["Qualifier"]);
        var body = await LambdaRequest.ReadObjectAsync(http.Request, gateway.Value.MaxJsonBodyBytes);
        var missing = new[] { "StatementId", "Action", "Principal" }.Where(m => body.String(m) is null).ToList();
        if (missing.Count > 0)
        {
            throw ErrorCodes.ValidationFailed([.. missing.Select(m => $"Value null at '{char.ToLowerInvariant(m[0])}{m[1..]}' failed to satisfy constraint: Member must not be null")]);
        }

        var added = await grains.GetGrain<IFunctionGrain>(name).AddPermissionAsync(qualifier, new PermissionStatement
        {
            Sid = body.String("StatementId")!,
            Action = body.String("Action")!,
            Principal = body.String("Principal")!,
            SourceArn = body.String("SourceArn"),
            SourceAccount = body.String("SourceAccount"),
            PrincipalOrgId = body.String("PrincipalOrgID"),
            EventSourceToken = body.String("EventSourceToken"),
            FunctionUrlAuthType = body.String("FunctionUrlAuthType"),
        }, body.String("RevisionId"));
        return Results.Json(new JsonObject { ["Statement"] = LambdaShapes.Statement(added).ToJsonString(ReadableJson.Web) }, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> RemovePermissionAsync(HttpContext http, string functionName, string statementId, IGrainFactory grains)
    {
        var (name, qualifier) = LambdaFunctionName.Parse(functionName, http.Request.Query["Qualifier"]);
        var revisionId = http.Request.Query["RevisionId"].ToString();
        await grains.GetGrain<IFunctionGrain>(name).RemovePermissionAsync(qualifier, statementId, string.IsNullOrEmpty(revisionId) ? null : revisionId);
        return Results.NoContent();
    }

    /// <summary>
    /// The function a tagging call names: a full, unqualified function ARN of this runtime's region and account. A
    /// function of another region or account does not exist here.
    /// </summary>
    private static string TaggedFunction(string resource, AsyncInvokeOptions options)
    {
        var match = TaggableArn().Match(resource);
        if (!match.Success)
        {
            throw ErrorCodes.ValidationFailed([$"Value '{resource}' at 'resource' failed to satisfy constraint: Member must satisfy regular expression pattern: {TaggableArnPattern}"]);
        }

        if (match.Groups["qualifier"].Success)
        {
            throw ErrorCodes.InvalidParameter("Tags on function aliases and versions are not supported. Please specify a function ARN.");
        }

        if (match.Groups["region"].Value != options.Region || match.Groups["account"].Value != options.AccountId)
        {
            throw ErrorCodes.NotFound($"Function not found: {resource}");
        }

        return match.Groups["name"].Value;
    }

    [GeneratedRegex(@"^arn:aws[a-zA-Z-]*:lambda:(?<region>[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}):(?<account>\d{12}):function:(?<name>[a-zA-Z0-9_-]+)(:(?<qualifier>\$LATEST|[a-zA-Z0-9_-]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex TaggableArn();
}
