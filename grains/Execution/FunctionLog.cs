using System.Text;

namespace Orleans.AsyncInvoke.Execution;

/// <summary>
/// The log of one synchronous invocation kept for <c>LogType: Tail</c>: Lambda's <c>START</c>/<c>END</c>/<c>REPORT</c>
/// lines and what the function printed, of which the last 4 KB are returned in <c>X-Amz-Log-Result</c>.
/// </summary>
public sealed class FunctionLog
{
    /// <summary>How much of the log's end is returned, as Lambda does.</summary>
    public const int TailBytes = 4096;

    // Kept bounded: a chatty function cannot make the silo hold more than a few tails' worth per invocation.
    private const int KeptBytes = 4 * TailBytes;
    private readonly Lock _lock = new();
    private readonly LinkedList<string> _lines = new();
    private int _bytes;

    /// <summary>How long the environment's init took, when this invocation was its first (a cold start).</summary>
    public TimeSpan? InitDuration { get; set; }

    /// <summary>Appends one line.</summary>
    public void Append(string line)
    {
        var text = line.EndsWith('\n') ? line : line + "\n";
        lock (_lock)
        {
            _lines.AddLast(text);
            _bytes += Encoding.UTF8.GetByteCount(text);
            while (_bytes > KeptBytes && _lines.First is { } first)
            {
                _bytes -= Encoding.UTF8.GetByteCount(first.Value);
                _lines.RemoveFirst();
            }
        }
    }

    /// <summary>The last <see cref="TailBytes"/> bytes of the log, base64.</summary>
    public string Tail()
    {
        byte[] all;
        lock (_lock)
        {
            all = Encoding.UTF8.GetBytes(string.Concat(_lines));
        }

        var start = Math.Max(0, all.Length - TailBytes);

        // Start on a character boundary, never inside a multi-byte UTF-8 sequence.
        while (start < all.Length && (all[start] & 0xC0) == 0x80)
        {
            start++;
        }

        return Convert.ToBase64String(all, start, all.Length - start);
    }
}
