using Microsoft.Extensions.Options;

namespace Orleans.AsyncInvoke.Tests.Infrastructure;

/// <summary>Options that never change, for units that take an <see cref="IOptionsMonitor{TOptions}"/>.</summary>
internal sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
