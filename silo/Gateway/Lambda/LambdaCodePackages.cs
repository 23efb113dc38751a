using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Orleans.AsyncInvoke.Execution.Lambda;
using Orleans.AsyncInvoke.Functions;

namespace Orleans.AsyncInvoke.Silo.Gateway.Lambda;

/// <summary>Zip packages sent with CreateFunction and UpdateFunctionCode (<c>Code.ZipFile</c>), with Lambda's limits.</summary>
internal static class LambdaCodePackages
{
    /// <summary>Lambda's limit of a zipped package sent in the request.</summary>
    public const long MaxZippedBytes = 50L * 1024 * 1024;

    /// <summary>Lambda's limit of a package's unzipped size.</summary>
    public const long MaxUnzippedBytes = 250L * 1024 * 1024;

    /// <summary>The request body a 50 MB package needs once base64-encoded in JSON, with room for the rest.</summary>
    public const int MaxRequestBytes = 70 * 1024 * 1024;

    /// <summary>Lets a code request be as large as a package may be (the other management calls keep their limit).</summary>
    public static void AllowPackageSizedBody(HttpContext http)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxRequestBytes;
        }
    }

    /// <summary>
    /// Checks and stores the package in <paramref name="code"/> (a JSON object with <c>ZipFile</c>); returns the
    /// function's target and the package's hash and size, or <c>null</c> when no zip was sent.
    /// </summary>
    public static async Task<(string Target, string Sha256, long Size)?> StoreAsync(JsonElement? code, ICodeStore store)
    {
        var base64 = code?.String("ZipFile");
        if (base64 is null)
        {
            return HotReloadFolder(code);
        }

        byte[] zip;
        try
        {
            zip = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw ErrorCodes.InvalidParameter("Code.ZipFile must be the package's bytes in base64.");
        }

        if (zip.Length > MaxZippedBytes)
        {
            throw ErrorCodes.TooLarge($"Request must be smaller than {MaxZippedBytes} bytes for the zipped package.");
        }

        long unzipped = 0;
        try
        {
            using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
            foreach (var entry in archive.Entries)
            {
                unzipped += entry.Length;
                if (entry.FullName.Split('/', '\\').Contains(".."))
                {
                    throw ErrorCodes.InvalidParameter($"The package holds a path outside its root: {entry.FullName}.");
                }
            }
        }
        catch (InvalidDataException)
        {
            throw ErrorCodes.InvalidParameter("Could not unzip uploaded file. Please check your file, then try to upload again.");
        }

        if (unzipped > MaxUnzippedBytes)
        {
            throw ErrorCodes.InvalidParameter($"Unzipped size must be smaller than {MaxUnzippedBytes} bytes");
        }

        var hash = SHA256.HashData(zip);
        var hex = Convert.ToHexStringLower(hash);
        await store.PutAsync(hex, zip);
        return (LambdaPackageRuntime.Scheme + hex, Convert.ToBase64String(hash), zip.Length);
    }

    /// <summary>
    /// LocalStack's convention for the inner dev loop: <c>S3Bucket: "hot-reload"</c> with an absolute folder as
    /// <c>S3Key</c> runs that folder as the package, and a change on disk is picked up by the next invocation.
    /// </summary>
    private static (string Target, string Sha256, long Size)? HotReloadFolder(JsonElement? code)
    {
        var bucket = code?.String("S3Bucket");
        if (bucket is null)
        {
            return null;
        }

        if (bucket != HotReloadBucket)
        {
            throw ErrorCodes.InvalidParameter($"Code.S3Bucket '{bucket}' cannot be read: this runtime has no S3. Send the package as Code.ZipFile, or use S3Bucket \"{HotReloadBucket}\" with an absolute folder as S3Key.");
        }

        var folder = code?.String("S3Key");
        if (string.IsNullOrEmpty(folder) || !Path.IsPathFullyQualified(folder))
        {
            throw ErrorCodes.InvalidParameter("Code.S3Key must be an absolute path to a folder on the silo's machine when S3Bucket is hot-reload.");
        }

        if (!Directory.Exists(folder))
        {
            throw ErrorCodes.InvalidParameter($"The hot-reload folder {folder} does not exist on the silo's machine.");
        }

        var target = LambdaPackageRuntime.FolderScheme + Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        return (target, Convert.ToBase64String(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(target))), 0);
    }

    /// <summary>The bucket name that means "a local folder" (LocalStack's convention).</summary>
    public const string HotReloadBucket = "hot-reload";

    /// <summary>Why a zip function's runtime cannot be used, as Lambda words it.</summary>
    public static void ValidateRuntime(string? runtime)
    {
        if (LambdaRuntimes.Problem(runtime) is { } problem)
        {
            throw ErrorCodes.InvalidParameter(problem);
        }
    }
}
