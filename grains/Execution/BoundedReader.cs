namespace Orleans.AsyncInvoke.Execution;

/// <summary>Reads a stream to its end, refusing to hold more than a limit (never an out-of-memory).</summary>
internal static class BoundedReader
{
    public static async Task<byte[]> ReadAsync(Stream stream, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new FunctionErrorException("Function.ResponseSizeTooLarge", $"Response payload size exceeded maximum allowed payload size ({limit} bytes).");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
