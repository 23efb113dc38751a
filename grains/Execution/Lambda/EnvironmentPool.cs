using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.AsyncInvoke.Functions;
using Orleans.AsyncInvoke.Hosting;

namespace Orleans.AsyncInvoke.Execution.Lambda;

/// <summary>
/// The silo's execution environments, kept warm per function version and configuration: an invocation takes an idle
/// one or starts a new one (a cold start), and gives it back when done. Reserved concurrency bounds how many run per
/// function; <see cref="LambdaOptions.MaxEnvironments"/> bounds the silo, idle ones of other functions making room.
/// </summary>
internal sealed class EnvironmentPool : IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentStack<ExecutionEnvironment>> _idle = new(StringComparer.Ordinal);
    private readonly CodeCache _code;
    private readonly IOptions<LambdaOptions> _options;
    private readonly IOptions<AsyncInvokeOptions> _runtime;
    private readonly TimeProvider _time;
    private readonly ILogger<ExecutionEnvironment> _logger;
    private readonly ITimer _sweeper;
    private int _count;

    public EnvironmentPool(CodeCache code, IOptions<LambdaOptions> options, IOptions<AsyncInvokeOptions> runtime, TimeProvider time, ILogger<ExecutionEnvironment> logger)
    {
        _code = code;
        _options = options;
        _runtime = runtime;
        _time = time;
        _logger = logger;
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, options.Value.IdleTimeout.Ticks / 4));
        _sweeper = time.CreateTimer(_ => _ = SweepAsync(), null, period, period);
    }

    /// <summary>Environments alive now (idle and busy).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>An environment for <paramref name="function"/>: a warm one if idle, otherwise a new one.</summary>
    public async Task<ExecutionEnvironment> AcquireAsync(FunctionDefinition function)
    {
        var key = KeyOf(function, out var folder);
        if (_idle.TryGetValue(key, out var idle))
        {
            while (idle.TryPop(out var warm))
            {
                if (!warm.Dead)
                {
                    return warm;
                }

                await RetireAsync(warm);
            }
        }

        if (Interlocked.Increment(ref _count) > _options.Value.MaxEnvironments && !await EvictOneIdleAsync())
        {
            Interlocked.Decrement(ref _count);
            throw new FunctionThrottledException($"This silo runs its limit of {_options.Value.MaxEnvironments} execution environments (AsyncInvoke:Lambda:MaxEnvironments).");
        }

        try
        {
            var taskRoot = folder ?? await _code.DirectoryOfAsync(function.Target[LambdaPackageRuntime.Scheme.Length..]);
            return ExecutionEnvironment.Start(key, function, taskRoot, _runtime.Value.Region, _options.Value, _logger);
        }
        catch
        {
            Interlocked.Decrement(ref _count);
            throw;
        }
    }

    /// <summary>Gives an environment back: warm for the next invocation, or retired when it cannot take one.</summary>
    public async Task ReleaseAsync(ExecutionEnvironment environment)
    {
        if (environment.Dead)
        {
            await RetireAsync(environment);
            return;
        }

        environment.IdleSince = _time.GetUtcNow();
        _idle.GetOrAdd(environment.Key, _ => new ConcurrentStack<ExecutionEnvironment>()).Push(environment);
    }

    private static string KeyOf(FunctionDefinition function, out string? folder)
    {
        var key = $"{function.Name}\n{function.Version}\n{function.RevisionId}";
        if (!function.Target.StartsWith(LambdaPackageRuntime.FolderScheme, StringComparison.Ordinal))
        {
            folder = null;
            return key;
        }

        // A hot-reload folder: the newest change in it is part of the key, so an edit on disk means a fresh
        // environment at the next invocation, and the warm ones of the old code age out.
        folder = function.Target[LambdaPackageRuntime.FolderScheme.Length..];
        return $"{key}\n{FolderFingerprint(folder)}";
    }

    private static string FolderFingerprint(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new FunctionErrorException("Runtime.CodeNotFound", $"The hot-reload folder {folder} does not exist on this silo.");
        }

        // Python writes __pycache__ into the folder on import: that is not a change of the code.
        long newest = 0;
        var count = 0;
        var pending = new Stack<DirectoryInfo>([new DirectoryInfo(folder)]);
        while (pending.TryPop(out var directory))
        {
            foreach (var entry in directory.EnumerateFileSystemInfos("*", new EnumerationOptions { IgnoreInaccessible = true }))
            {
                if (entry is DirectoryInfo child)
                {
                    if (child.Name != "__pycache__")
                    {
                        pending.Push(child);
                    }

                    continue;
                }

                count++;
                newest = Math.Max(newest, entry.LastWriteTimeUtc.Ticks);
            }
        }

        return $"{newest}:{count}";
    }

    private async Task<bool> EvictOneIdleAsync()
    {
        var oldest = _idle.Values.SelectMany(s => s).Where(e => !e.Dead).OrderBy(e => e.IdleSince).FirstOrDefault();
        if (oldest is null || !_idle.TryGetValue(oldest.Key, out var stack))
        {
            return false;
        }

        var kept = new List<ExecutionEnvironment>();
        var evicted = false;
        while (stack.TryPop(out var candidate))
        {
            if (!evicted && ReferenceEquals(candidate, oldest))
            {
                evicted = true;
                continue;
            }

            kept.Add(candidate);
        }

        for (var i = kept.Count - 1; i >= 0; i--)
        {
            stack.Push(kept[i]);
        }

        if (evicted)
        {
            Interlocked.Decrement(ref _count);
            await oldest.DisposeAsync();
        }

        return evicted;
    }

    private async Task SweepAsync()
    {
        var cutoff = _time.GetUtcNow() - _options.Value.IdleTimeout;
        foreach (var (_, stack) in _idle)
        {
            var kept = new List<ExecutionEnvironment>();
            while (stack.TryPop(out var environment))
            {
                if (environment.Dead || environment.IdleSince < cutoff)
                {
                    await RetireAsync(environment);
                }
                else
                {
                    kept.Add(environment);
                }
            }

            for (var i = kept.Count - 1; i >= 0; i--)
            {
                stack.Push(kept[i]);
            }
        }
    }

    private async Task RetireAsync(ExecutionEnvironment environment)
    {
        Interlocked.Decrement(ref _count);
        await environment.DisposeAsync();
    }

    /// <summary>For containers disposed synchronously: every environment is killed without waiting for its exit.</summary>
    public void Dispose()
    {
        _sweeper.Dispose();
        foreach (var (_, stack) in _idle)
        {
            while (stack.TryPop(out var environment))
            {
                environment.Kill();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _sweeper.DisposeAsync();
        foreach (var (_, stack) in _idle)
        {
            while (stack.TryPop(out var environment))
            {
                await environment.DisposeAsync();
            }
        }
    }
}
