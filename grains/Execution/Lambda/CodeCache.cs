using System.Collections.Concurrent;
using System.IO.Compression;
using Microsoft.Extensions.Options;

namespace Orleans.AsyncInvoke.Execution.Lambda;

/// <summary>Unpacks each package once per silo, on first use, into a folder named by its hash.</summary>
public sealed class CodeCache(ICodeStore store, IOptions<LambdaOptions> options)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _unpacked = new(StringComparer.Ordinal);

    /// <summary>The folder holding the unpacked package (the environment's <c>LAMBDA_TASK_ROOT</c>).</summary>
    public Task<string> DirectoryOfAsync(string sha256Hex) =>
        _unpacked.GetOrAdd(sha256Hex, hash => new Lazy<Task<string>>(() => UnpackAsync(hash))).Value;

    private async Task<string> UnpackAsync(string sha256Hex)
    {
        var target = Path.Combine(options.Value.CodeDirectory, sha256Hex);
        if (Directory.Exists(target))
        {
            return target;
        }

        var zip = await store.GetAsync(sha256Hex) ?? throw new FunctionErrorException("Runtime.CodeNotFound", $"The function's code package {sha256Hex} is not in the code store.");
        var staging = target + "." + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(staging);
        using (var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read))
        {
            // Unix permissions travel in the entries' external attributes; .NET applies them, so bootstrap stays executable.
            archive.ExtractToDirectory(staging, overwriteFiles: true);
        }

        try
        {
            Directory.Move(staging, target);
        }
        catch (IOException) when (Directory.Exists(target))
        {
            // Another silo process on this machine unpacked it first.
            Directory.Delete(staging, recursive: true);
        }

        return target;
    }
}
