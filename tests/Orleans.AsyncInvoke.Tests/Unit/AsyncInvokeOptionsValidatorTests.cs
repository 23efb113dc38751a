using Orleans.AsyncInvoke.Hosting;

namespace Orleans.AsyncInvoke.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class AsyncInvokeOptionsValidatorTests
{
    [Fact]
    public void Validate_WhenOptionsAreDefault_Succeeds() =>
        Assert.True(new AsyncInvokeOptionsValidator().Validate(null, new AsyncInvokeOptions()).Succeeded);

    [Fact]
    public void Validate_WhenSeveralKeysAreBad_ReportsEveryOneByName()
    {
        var options = new AsyncInvokeOptions
        {
            TimeCompression = 0,
            ReminderPeriod = TimeSpan.FromSeconds(10),
            AccountId = "12",
            Functions =
            {
                ["bad name"] = new FunctionOptions { Target = "dotnet:echo" },
                ["slow"] = new FunctionOptions { Target = "dotnet:echo", Timeout = TimeSpan.FromMinutes(20), MaximumRetryAttempts = 3, MaximumEventAgeInSeconds = 30 },
                ["untargeted"] = new FunctionOptions(),
            },
        };

        var result = new AsyncInvokeOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(8, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("AsyncInvoke:TimeCompression ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("AsyncInvoke:ReminderPeriod ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("AsyncInvoke:AccountId ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("AsyncInvoke:Functions:bad name ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("AsyncInvoke:Functions:slow:Timeout ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("AsyncInvoke:Functions:slow:MaximumRetryAttempts ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("AsyncInvoke:Functions:slow:MaximumEventAgeInSeconds ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("AsyncInvoke:Functions:untargeted:Target ", StringComparison.Ordinal));
    }
}
