using Orleans.AsyncInvoke.Functions;

namespace Orleans.AsyncInvoke.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class VersionRouterTests
{
    private const string Arn = "arn:aws:lambda:us-east-1:000000000000:function:f";

    private static FunctionDefinition Version(string version) => new()
    {
        Name = "f",
        Target = $"dotnet:echo-{version}",
        Timeout = TimeSpan.FromSeconds(3),
        Version = version,
    };

    private static ResolvedFunction WeightedAlias(double weight) => new()
    {
        Definition = Version("1") with { ReservedConcurrency = 7 },
        Qualifier = "live",
        ExecutedVersion = "1",
        FunctionArn = $"{Arn}:live",
        AdditionalVersion = new WeightedVersion
        {
            Definition = Version("2"),
            Weight = weight,
            FunctionArn = $"{Arn}:2",
            PrimaryFunctionArn = $"{Arn}:1",
        },
    };

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.2999)]
    public void Route_WhenTheDrawIsBelowTheWeight_RunsTheAdditionalVersionWithTheFunctionsConcurrency(double draw)
    {
        var routed = WeightedAlias(0.3).Route(draw);

        Assert.Equal("2", routed.ExecutedVersion);
        Assert.Equal("dotnet:echo-2", routed.Definition.Target);
        Assert.Equal($"{Arn}:2", routed.FunctionArn);
        Assert.Equal("2", routed.RoutedVersion);
        Assert.Equal(7, routed.Definition.ReservedConcurrency);
        Assert.Equal("live", routed.Qualifier);
        Assert.Null(routed.AdditionalVersion);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.9999)]
    public void Route_WhenTheDrawIsAtOrAboveTheWeight_RunsTheMainVersion(double draw)
    {
        var routed = WeightedAlias(0.3).Route(draw);

        Assert.Equal("1", routed.ExecutedVersion);
        Assert.Equal($"{Arn}:1", routed.FunctionArn);
        Assert.Equal("1", routed.RoutedVersion);
    }

    [Fact]
    public void Route_WhenTheAliasHasNoSplit_ReturnsTheResolutionUnchanged()
    {
        var plain = WeightedAlias(0.5) with { AdditionalVersion = null };

        Assert.Same(plain, new VersionRouter(() => 0.0).Route(plain));
        Assert.Null(plain.RoutedVersion);
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.25, 25)]
    [InlineData(0.5, 50)]
    [InlineData(1.0, 100)]
    public void Route_WhenDrawsCoverTheUnitIntervalEvenly_SplitsExactlyByWeight(double weight, int expectedOnAdditional)
    {
        var next = 0;
        var router = new VersionRouter(() => next++ / 100.0);

        var executed = Enumerable.Range(0, 100).Select(_ => router.Route(WeightedAlias(weight)).ExecutedVersion).ToList();

        Assert.Equal(expectedOnAdditional, executed.Count(v => v == "2"));
        Assert.Equal(100 - expectedOnAdditional, executed.Count(v => v == "1"));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public void Route_WhenTheEventWasRoutedBefore_KeepsItsVersionWithoutDrawing(string routedVersion)
    {
        var router = new VersionRouter(() => throw new InvalidOperationException("no draw expected"));

        Assert.Equal(routedVersion, router.Route(WeightedAlias(0.5), routedVersion).ExecutedVersion);
    }

    [Fact]
    public void Route_WhenTheRoutedVersionIsNoLongerOffered_DrawsAgain()
    {
        var router = new VersionRouter(() => 0.0);

        Assert.Null(WeightedAlias(0.5).Pin("9"));
        Assert.Equal("2", router.Route(WeightedAlias(0.5), "9").ExecutedVersion);
    }

    [Theory]
    [InlineData("""{"1":0.8,"2":0.2}""", "1", "InvalidParameterValueException", "Number of items in AdditionalVersionWeights cannot be greater than 1")]
    [InlineData("""{"2":2}""", "1", "ValidationException", "1 validation error detected: Value '{2=2.0}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]")]
    [InlineData("""{"2":-1}""", "1", "ValidationException", "1 validation error detected: Value '{2=-1.0}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]")]
    [InlineData("""{"1":0.5}""", "1", "InvalidParameterValueException", "Invalid function version 1. Function version 1 is already included in routing configuration.")]
    [InlineData("""{"1":0.5}""", "$LATEST", "InvalidParameterValueException", "$LATEST is not supported for an alias pointing to more than 1 version")]
    [InlineData("""{"$LATEST":0.5}""", "1", "ValidationException", "1 validation error detected: Value '{$LATEST=0.5}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+]")]
    public void ValidateRouting_WhenTheConfigBreaksARule_FailsAsLambdaDoes(string weights, string functionVersion, string code, string message)
    {
        var map = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, double>>(weights)!;

        var error = Assert.Throws<AsyncInvokeException>(() => FunctionValidation.ValidateRouting(map, functionVersion));

        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void ValidateRouting_WhenTheMapIsEmpty_MeansNoSplit() =>
        Assert.Null(FunctionValidation.ValidateRouting(new Dictionary<string, double>(), "1"));
}
