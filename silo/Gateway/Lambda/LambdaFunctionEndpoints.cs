using Orleans.AsyncInvoke.Execution.Lambda;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;

namespace Orleans.AsyncInvoke.Silo.Gateway.Lambda;

/// <summary>
/// Function management, split along the API's sections: functions and their code (here), versions and aliases
/// (<c>.Versions.cs</c>), reserved concurrency and recursion (<c>.Concurrency.cs</c>), tags and the resource-based
/// policy (<c>.Permissions.cs</c>), and the read-only settings infrastructure tools ask for (<c>.Settings.cs</c>).
/// </summary>
internal static partial class LambdaFunctionEndpoints
{
    public static void Map(RouteGroupBuilder lambda)
    {
        lambda.MapPost("/2015-03-31/functions", CreateAsync);
        lambda.MapGet("/2015-03-31/functions", ListAsync);
        lambda.MapGet("/2015-03-31/functions/{functionName}", GetAsync);
        lambda.MapGet("/2015-03-31/functions/{functionName}/package", GetPackageAsync);
        lambda.MapGet("/2015-03-31/functions/{functionName}/configuration", GetConfigurationAsync);
        lambda.MapPut("/2015-03-31/functions/{functionName}/configuration", UpdateConfigurationAsync);
        lambda.MapPut("/2015-03-31/functions/{functionName}/code", UpdateCodeAsync);
        lambda.MapDelete("/2015-03-31/functions/{functionName}", DeleteAsync);
        lambda.MapPost("/2015-03-31/functions/{functionName}/versions", PublishVersionAsync);
        lambda.MapGet("/2015-03-31/functions/{functionName}/versions", ListVersionsAsync);
        lambda.MapPost("/2015-03-31/functions/{functionName}/aliases", CreateAliasAsync);
        lambda.MapGet("/2015-03-31/functions/{functionName}/aliases", ListAliasesAsync);
        lambda.MapGet("/2015-03-31/functions/{functionName}/aliases/{aliasName}", GetAliasAsync);
        lambda.MapPut("/2015-03-31/functions/{functionName}/aliases/{aliasName}", UpdateAliasAsync);
        lambda.MapDelete("/2015-03-31/functions/{functionName}/aliases/{aliasName}", DeleteAliasAsync);
        lambda.MapPut("/2017-10-31/functions/{functionName}/concurrency", PutConcurrencyAsync);
        lambda.MapGet("/2019-09-30/functions/{functionName}/concurrency", GetConcurrencyAsync);
        lambda.MapDelete("/2017-10-31/functions/{functionName}/concurrency", DeleteConcurrencyAsync);
        lambda.MapGet("/2024-08-31/functions/{functionName}/recursion-config", GetRecursionAsync);
        lambda.MapPut("/2024-08-31/functions/{functionName}/recursion-config", PutRecursionAsync);
        lambda.MapGet("/2015-03-31/functions/{functionName}/policy", GetPolicyAsync);
        lambda.MapPost("/2015-03-31/functions/{functionName}/policy", AddPermissionAsync);
        lambda.MapDelete("/2015-03-31/functions/{functionName}/policy/{statementId}", RemovePermissionAsync);
        lambda.MapGet("/2017-03-31/tags/{resource}", ListTagsAsync);
        lambda.MapPost("/2017-03-31/tags/{resource}", TagResourceAsync);
        lambda.MapDelete("/2017-03-31/tags/{resource}", UntagResourceAsync);
        lambda.MapGet("/2016-08-19/account-settings", GetAccountSettingsAsync);
        lambda.MapGet("/2020-06-30/functions/{functionName}/code-signing-config", GetCodeSigningConfigAsync);
        lambda.MapGet("/2021-10-31/functions/{functionName}/url", GetUrlConfig);
        lambda.MapGet("/2021-07-20/functions/{functionName}/runtime-management-config", GetRuntimeManagementConfigAsync);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, IGrainFactory grains, FunctionArns arns, IOptions<AsyncInvokeOptions> options, IOptions<GatewayOptions> gateway, ICodeStore code)
    {
        LambdaCodePackages.AllowPackageSizedBody(http);
        var body = await LambdaRequest.ReadObjectAsync(http.Request, LambdaCodePackages.MaxRequestBytes);
        var name = body.String("FunctionName") ?? throw ErrorCodes.InvalidParameter("FunctionName is required.");
        var (functionName, _) = LambdaFunctionName.Parse(name, null);
        var packageType = body.String("PackageType") ?? (body.Object("Code")?.String("ImageUri") is null ? "Zip" : "Image");
        var codeObject = body.Object("Code");
        string? target;
        FunctionDefinitionInput input;
        if (packageType == "Zip")
        {
            LambdaCodePackages.ValidateRuntime(body.String("Runtime"));
            var package = await LambdaCodePackages.StoreAsync(codeObject, code)
                ?? throw ErrorCodes.InvalidParameter("Code.ZipFile is required for PackageType Zip: the function's zip package in base64 (or S3Bucket \"hot-reload\" with a folder as S3Key).");
            target = package.Target;
            input = ToInput(body, target) with { Runtime = body.String("Runtime"), Handler = body.String("Handler"), CodeSha256 = package.Sha256, CodeSize = package.Size };
        }
        else if (packageType == "Image")
        {
            target = codeObject?.String("ImageUri");
            if (string.IsNullOrEmpty(target))
            {
                throw ErrorCodes.InvalidParameter("Code.ImageUri is required: it carries the function target (dotnet:<handler>, http(s)://<url> or exec:<command>).");
            }

            input = ToInput(body, target);
        }
        else
        {
            throw ErrorCodes.InvalidParameter($"Value {packageType} at 'packageType' failed to satisfy constraint: Member must satisfy enum value set: [Zip, Image]");
        }

        var grain = grains.GetGrain<IFunctionGrain>(functionName);
        var created = await grain.CreateAsync(input);
        if (body.Bool("Publish") == true)
        {
            created = await grain.PublishVersionAsync(null);
        }

        return Results.Json(LambdaShapes.FunctionConfiguration(created, arns, options.Value.Region, options.Value.AccountId), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetAsync(HttpContext http, string functionName, IGrainFactory grains, FunctionArns arns, IOptions<AsyncInvokeOptions> options)
    {
        var (name, qualifier) = LambdaFunctionName.Parse(functionName, http.Request.Query["Qualifier"]);
        var grain = grains.GetGrain<IFunctionGrain>(name);
        var definition = await grain.GetQualifiedAsync(qualifier);
        var latest = (await grain.GetAsync())!;
        var response = new JsonObject
        {
            ["Configuration"] = LambdaShapes.FunctionConfiguration(definition, arns, options.Value.Region, options.Value.AccountId),
            ["Code"] = definition.Runtime is null
                ? new JsonObject { ["RepositoryType"] = "ECR", ["ImageUri"] = definition.Target }
                : definition.Target.StartsWith(LambdaPackageRuntime.FolderScheme, StringComparison.Ordinal)
                    ? new JsonObject { ["RepositoryType"] = "S3" }
                    : new JsonObject { ["RepositoryType"] = "S3", ["Location"] = $"{http.Request.Scheme}://{http.Request.Host}/2015-03-31/functions/{Uri.EscapeDataString(name)}/package{(qualifier is null ? "" : "?Qualifier=" + Uri.EscapeDataString(qualifier))}" },
        };
        var tags = await grain.GetTagsAsync();
        if (tags.Count > 0)
        {
            response["Tags"] = LambdaShapes.Tags(tags);
        }

        if (latest.ReservedConcurrency is { } reserved)
        {
            response["Concurrency"] = new JsonObject { ["ReservedConcurrentExecutions"] = reserved };
        }

        return Results.Json(response);
    }

    private static async Task<IResult> GetPackageAsync(HttpContext http, string functionName, IGrainFactory grains, ICodeStore code)
    {
        var (name, qualifier) = LambdaFunctionName.Parse(functionName, http.Request.Query["Qualifier"]);
        var definition = await grains.GetGrain<IFunctionGrain>(name).GetQualifiedAsync(qualifier);
        if (!definition.Target.StartsWith(LambdaPackageRuntime.Scheme, StringComparison.Ordinal)
            || await code.GetAsync(definition.Target[LambdaPackageRuntime.Scheme.Length..]) is not { } zip)
        {
            throw ErrorCodes.NotFound($"Function {name} has no zip package.");
        }

        return Results.File(zip, "application/zip", $"{name}.zip");
    }

    private static async Task<IResult> GetConfigurationAsync(HttpContext http, string functionName, IGrainFactory grains, FunctionArns arns, IOptions<AsyncInvokeOptions> options)
    {
        var (name, qualifier) = LambdaFunctionName.Parse(functionName, http.Request.Query["Qualifier"]);
        var definition = await grains.GetGrain<IFunctionGrain>(name).GetQualifiedAsync(qualifier);
        return Results.Json(LambdaShapes.FunctionConfiguration(definition, arns, options.Value.Region, options.Value.AccountId));
    }

    private static async Task<IResult> ListAsync(HttpContext http, IGrainFactory grains, FunctionArns arns, IOptions<AsyncInvokeOptions> options)
    {
        var max = LambdaRequest.QueryInt(http.Request, "MaxItems") ?? 50;
        if (max is < 1 or > 10000)
        {
            throw ErrorCodes.ValidationFailed([$"Value '{max}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000"]);
        }

        var marker = http.Request.Query["Marker"].ToString();
        var names = await grains.GetGrain<IFunctionRegistryGrain>(IFunctionRegistryGrain.Key).ListAsync(string.IsNullOrEmpty(marker) ? null : marker, max + 1);
        var page = names.Take(max).ToList();
        var definitions = await Task.WhenAll(page.Select(n => grains.GetGrain<IFunctionGrain>(n).GetAsync()));
        var functions = new JsonArray([.. definitions.OfType<FunctionDefinition>().Select(d => (JsonNode)LambdaShapes.FunctionConfiguration(d, arns, options.Value.Region, options.Value.AccountId))]);
        var response = new JsonObject { ["Functions"] = functions };
        if (names.Count > max)
        {
            response["NextMarker"] = page[^1];
        }

        return Results.Json(response);
    }

    private static async Task<IResult> UpdateConfigurationAsync(HttpContext http, string functionName, IGrainFactory grains, FunctionArns arns, IOptions<AsyncInvokeOptions> options, IOptions<GatewayOptions> gateway)
    {
        var (name, _) = LambdaFunctionName.Parse(functionName, null);
        var body = await LambdaRequest.ReadObjectAsync(http.Request, gateway.Value.MaxJsonBodyBytes);
        var updated = await grains.GetGrain<IFunctionGrain>(name).UpdateAsync(ToInput(body, target: null));
        return Results.Json(LambdaShapes.FunctionConfiguration(updated, arns, options.Value.Region, options.Value.AccountId));
    }

    private static async Task<IResult> UpdateCodeAsync(HttpContext http, string functionName, IGrainFactory grains, FunctionArns arns, IOptions<AsyncInvokeOptions> options, ICodeStore code)
    {
        var (name, _) = LambdaFunctionName.Parse(functionName, null);
        LambdaCodePackages.AllowPackageSizedBody(http);
        var body = await LambdaRequest.ReadObjectAsync(http.Request, LambdaCodePackages.MaxRequestBytes);
        var package = await LambdaCodePackages.StoreAsync(body, code);
        var target = package?.Target ?? body.String("ImageUri")
            ?? throw ErrorCodes.InvalidParameter("ZipFile or ImageUri is required: the new package in base64, or the function target.");
        var grain = grains.GetGrain<IFunctionGrain>(name);
        var updated = await grain.UpdateAsync(new FunctionDefinitionInput { Target = target, CodeSha256 = package?.Sha256, CodeSize = package?.Size, Architecture = Architecture(body) });
        if (body.Bool("Publish") == true)
        {
            updated = await grain.PublishVersionAsync(null);
        }

        return Results.Json(LambdaShapes.FunctionConfiguration(updated, arns, options.Value.Region, options.Value.AccountId));
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, string functionName, IGrainFactory grains)
    {
        var (name, qualifier) = LambdaFunctionName.Parse(functionName, http.Request.Query["Qualifier"]);
        var grain = grains.GetGrain<IFunctionGrain>(name);
        if (qualifier is null)
        {
            await grain.DeleteAsync();
        }
        else if (qualifier == FunctionNames.Latest)
        {
            throw ErrorCodes.InvalidParameter("$LATEST version cannot be deleted without deleting the function.");
        }
        else
        {
            await grain.DeleteVersionAsync(qualifier);
        }

        return Results.NoContent();
    }

    private static FunctionDefinitionInput ToInput(JsonElement body, string? target)
    {
        var timeout = body.Int("Timeout");
        var dlq = body.Object("DeadLetterConfig");
        return new FunctionDefinitionInput
        {
            Target = target,
            Timeout = timeout is null ? null : TimeSpan.FromSeconds(timeout.Value),
            Description = body.String("Description"),
            Environment = body.Object("Environment")?.StringMap("Variables"),
            DeadLetterTarget = dlq is null ? null : dlq.Value.String("TargetArn") ?? "",
            Role = body.String("Role"),
            Handler = body.String("Handler"),
            MemorySize = body.Int("MemorySize"),
            Tags = body.StringMap("Tags"),
            Architecture = Architecture(body),
        };
    }

    /// <summary>Lambda's <c>Architectures</c>: one of <c>x86_64</c> and <c>arm64</c>, validated as Lambda words it.</summary>
    private static string? Architecture(JsonElement body)
    {
        if (!body.TryGetProperty("Architectures", out var architectures) || architectures.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var values = architectures.ValueKind == JsonValueKind.Array
            ? architectures.EnumerateArray().Select(a => a.ValueKind == JsonValueKind.String ? a.GetString()! : a.GetRawText()).ToList()
            : [architectures.GetRawText()];
        var shown = $"[{string.Join(", ", values)}]";
        if (values.Count != 1)
        {
            throw ErrorCodes.ValidationFailed([$"Value '{shown}' at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1, Member must have length greater than or equal to 1"]);
        }

        return values[0] is "x86_64" or "arm64"
            ? values[0]
            : throw ErrorCodes.ValidationFailed([$"Value '{shown}' at 'architectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]]"]);
    }

    private static (List<T> Page, string? NextMarker) Page<T>(IReadOnlyList<T> items, Func<T, string> key, HttpRequest request)
    {
        var max = LambdaRequest.QueryInt(request, "MaxItems") ?? 50;
        if (max is < 1 or > 10000)
        {
            throw ErrorCodes.ValidationFailed([$"Value '{max}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000"]);
        }

        var marker = request.Query["Marker"].ToString();
        var start = 0;
        if (!string.IsNullOrEmpty(marker))
        {
            start = items.Select(key).ToList().IndexOf(marker) + 1;
        }

        var page = items.Skip(start).Take(max).ToList();
        return (page, start + max < items.Count ? key(page[^1]) : null);
    }
}
