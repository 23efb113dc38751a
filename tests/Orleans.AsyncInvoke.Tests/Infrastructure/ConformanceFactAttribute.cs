using Xunit.Abstractions;
using Xunit.Sdk;

namespace Orleans.AsyncInvoke.Tests.Infrastructure;

/// <summary>
/// A fact of a shared suite (the destination conformance suite) that each subclass runs. xunit decides a fact's skip
/// once per method, for every class that inherits it; this one asks the class running it, so an adapter whose
/// backing server is not installed reports its suite as skipped (see <see cref="RequiresAttribute"/>) instead of failing.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Orleans.AsyncInvoke.Tests.Infrastructure.ConformanceFactDiscoverer", "Orleans.AsyncInvoke.Tests")]
public sealed class ConformanceFactAttribute : FactAttribute;

/// <summary>
/// On a test class: what it needs from the machine. <see cref="Reason"/> says why it cannot run here, or is
/// <c>null</c> when it can.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public abstract class RequiresAttribute : Attribute
{
    public abstract string? Reason { get; }
}

/// <summary>Makes the test cases of <see cref="ConformanceFactAttribute"/>.</summary>
public sealed class ConformanceFactDiscoverer(IMessageSink diagnostics) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        [new ConformanceTestCase(diagnostics, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)];
}

/// <summary>A test case skipped when its class's <see cref="RequiresAttribute"/> gives a reason.</summary>
public sealed class ConformanceTestCase : XunitTestCase
{
    [Obsolete("For deserialization by the test framework only.")]
    public ConformanceTestCase()
    {
    }

    public ConformanceTestCase(IMessageSink diagnostics, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod testMethod)
        : base(diagnostics, display, displayOptions, testMethod)
    {
    }

    protected override string? GetSkipReason(IAttributeInfo factAttribute)
    {
        var requires = TestMethod.TestClass.Class.ToRuntimeType().GetCustomAttributes(typeof(RequiresAttribute), inherit: true).Cast<RequiresAttribute>();
        return requires.Select(r => r.Reason).FirstOrDefault(r => r is not null) ?? base.GetSkipReason(factAttribute);
    }
}
