using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Orleans.AsyncInvoke.Tests.Gateway.Fuzz;

/// <summary>One mapped route as the app's <see cref="EndpointDataSource"/> reports it: new routes are fuzzed without a change here.</summary>
internal sealed record FuzzRoute(string Template, IReadOnlyList<string> Methods, IReadOnlyList<IReadOnlyList<RoutePatternPart>> Segments)
{
    /// <summary>The Lambda API's routes answer in Lambda's error format; every other route in <c>{"errorType","errorMessage"}</c>.</summary>
    public bool IsLambda => Template.StartsWith("/20", StringComparison.Ordinal);

    public static IReadOnlyList<FuzzRoute> Discover(IServiceProvider services) =>
    [
        .. services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => new FuzzRoute(
                "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'),
                e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.ToList() ?? ["GET"],
                [.. e.RoutePattern.PathSegments.Select(s => (IReadOnlyList<RoutePatternPart>)s.Parts)]))
            .OrderBy(r => r.Template, StringComparer.Ordinal)
            .ThenBy(r => string.Join(',', r.Methods), StringComparer.Ordinal),
    ];

    /// <summary>The path with every parameter filled by <paramref name="fill"/> (given the parameter's name).</summary>
    public string Path(Func<string, string> fill) =>
        "/" + string.Join('/', Segments.Select(parts => string.Concat(parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter when parameter.ParameterPolicies.Any(p => p.Content == "int") => IntegerOf(fill(parameter.Name)),
            RoutePatternParameterPart parameter => fill(parameter.Name),
            _ => "",
        }))));

    /// <summary>A value for an <c>{x:int}</c> parameter, which routing matches only with digits: the fill when it is one, else its length.</summary>
    private static string IntegerOf(string value) =>
        int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _)
            ? value
            : value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
