using System.Text;
using Orleans.Serialization;

namespace Orleans.AsyncInvoke.Invocations.Storage;

/// <summary>
/// How the stores keep an invocation's state. A succeeded invocation that kept nothing but its outcome (no payload,
/// no record text, no error, no callback, no per-call settings: the common end, kept for <see cref="Hosting.AsyncInvokeOptions.Retention"/>)
/// is written in a compact form of its own: versioned, timestamps as tick offsets from the accept, the trace context
/// as bytes. Every other state is written by the Orleans serializer (versioned by its <c>[Id]</c>s). The compact form
/// starts with <see cref="Magic"/>, a byte the Orleans serializer never writes first for this type, so a reader tells
/// them apart and both kinds can sit side by side in one store.
/// </summary>
public static class InvocationStateCodec
{
    /// <summary>The first byte of the compact form.</summary>
    public const byte Magic = 0xFE;

    private const byte Version = 1;

    /// <summary>The state as stored.</summary>
    public static byte[] Serialize(Serializer<InvocationState> serializer, InvocationState state) =>
        IsCompactable(state) ? WriteCompact(state) : serializer.SerializeToArray(state);

    /// <summary>A stored state, in either form.</summary>
    public static InvocationState Deserialize(Serializer<InvocationState> serializer, byte[] bytes) =>
        bytes is [Magic, ..] ? ReadCompact(bytes) : serializer.Deserialize(bytes)!;

    /// <summary>Whether <paramref name="state"/> is written in the compact form: everything it holds, the form holds.</summary>
    public static bool IsCompactable(InvocationState state) =>
        state.Phase == InvocationPhase.Succeeded
        && state.Payload.Length == 0
        && state.Record is null
        && state.ResponsePayload is null
        && state.LastError is null
        && state.CallbackUrl is null
        && state.Overrides is null
        && state.FirstAttemptUntil is null
        && state is { HandOffPending: false, CancelRequested: false, CancelNotifies: false, NextAttemptAt: null }
        && state.Condition is not null
        && state.CompletedAt is { Offset.Ticks: 0 }
        && state.RetainUntil is { Offset.Ticks: 0 }
        && state.ReceivedAt.Offset == TimeSpan.Zero
        && state.AgeFrom is null or { Offset.Ticks: 0 }
        && state.RedrivenAt is null or { Offset.Ticks: 0 }
        && state.History.TrueForAll(a => a.Error is null
            && a.StartedAt.Offset == TimeSpan.Zero
            && a.FinishedAt is null or { Offset.Ticks: 0 }
            && a.DueAt is null or { Offset.Ticks: 0 });

    private static byte[] WriteCompact(InvocationState s)
    {
        using var buffer = new MemoryStream(128);
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            var origin = s.ReceivedAt.UtcTicks;
            w.Write(Magic);
            w.Write(Version);
            w.Write(s.FunctionName);
            w.Write(s.Qualifier);
            w.Write7BitEncodedInt64(origin);
            w.Write((byte)s.PhaseBeforeAttempt);
            w.Write7BitEncodedInt(s.AttemptCount);
            w.Write7BitEncodedInt(s.ThrottleCount);
            w.Write(s.Condition!);
            WriteOffset(w, s.CompletedAt!.Value, origin);
            WriteOffset(w, s.RetainUntil!.Value, origin);
            w.Write7BitEncodedInt(s.History.Count);
            foreach (var attempt in s.History)
            {
                w.Write7BitEncodedInt(attempt.Attempt);
                WriteOffset(w, attempt.StartedAt, origin);
                WriteOptionalOffset(w, attempt.FinishedAt, origin);
                w.Write(attempt.Outcome);
                WriteOptionalOffset(w, attempt.DueAt, origin);
            }

            WriteTraceParent(w, s.TraceParent);
            w.Write7BitEncodedInt(s.ChainDepth);
            WriteOptional(w, s.RoutedVersion);
            WriteOptionalOffset(w, s.AgeFrom, origin);
            w.Write7BitEncodedInt(s.RetryBase);
            w.Write7BitEncodedInt(s.ThrottleBase);
            WriteOptionalOffset(w, s.RedrivenAt, origin);
            w.Write7BitEncodedInt(s.PayloadBytesLeftOut ?? -1);
            WriteOptional(w, s.RecordQualifier);
            WriteOptional(w, s.ExecutedVersion);
        }

        return buffer.ToArray();
    }

    private static InvocationState ReadCompact(byte[] bytes)
    {
        using var r = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        r.ReadByte();
        if (r.ReadByte() is var version && version != Version)
        {
            throw new InvalidDataException($"A stored invocation is in compact form version {version}; this version reads version {Version}.");
        }

        var s = new InvocationState { FunctionName = r.ReadString(), Qualifier = r.ReadString() };
        var origin = r.Read7BitEncodedInt64();
        s.ReceivedAt = new DateTimeOffset(origin, TimeSpan.Zero);
        s.Phase = InvocationPhase.Succeeded;
        s.PhaseBeforeAttempt = (InvocationPhase)r.ReadByte();
        s.AttemptCount = r.Read7BitEncodedInt();
        s.ThrottleCount = r.Read7BitEncodedInt();
        s.Condition = r.ReadString();
        s.CompletedAt = ReadOffset(r, origin);
        s.RetainUntil = ReadOffset(r, origin);
        var attempts = r.Read7BitEncodedInt();
        s.History = new List<AttemptRecord>(attempts);
        for (var i = 0; i < attempts; i++)
        {
            s.History.Add(new AttemptRecord
            {
                Attempt = r.Read7BitEncodedInt(),
                StartedAt = ReadOffset(r, origin),
                FinishedAt = ReadOptionalOffset(r, origin),
                Outcome = r.ReadString(),
                DueAt = ReadOptionalOffset(r, origin),
            });
        }

        s.TraceParent = ReadTraceParent(r);
        s.ChainDepth = r.Read7BitEncodedInt();
        s.RoutedVersion = ReadOptional(r);
        s.AgeFrom = ReadOptionalOffset(r, origin);
        s.RetryBase = r.Read7BitEncodedInt();
        s.ThrottleBase = r.Read7BitEncodedInt();
        s.RedrivenAt = ReadOptionalOffset(r, origin);
        s.PayloadBytesLeftOut = r.Read7BitEncodedInt() is var left and >= 0 ? left : null;
        s.RecordQualifier = ReadOptional(r);
        s.ExecutedVersion = ReadOptional(r);
        return s;
    }

    // Offsets from the accept are zig-zag encoded: a redriven invocation's history may start before it.
    private static void WriteOffset(BinaryWriter w, DateTimeOffset at, long origin)
    {
        var delta = at.UtcTicks - origin;
        w.Write7BitEncodedInt64((delta << 1) ^ (delta >> 63));
    }

    private static DateTimeOffset ReadOffset(BinaryReader r, long origin)
    {
        var zigzag = r.Read7BitEncodedInt64();
        return new DateTimeOffset(origin + ((long)((ulong)zigzag >> 1) ^ -(zigzag & 1)), TimeSpan.Zero);
    }

    private static void WriteOptionalOffset(BinaryWriter w, DateTimeOffset? at, long origin)
    {
        w.Write(at.HasValue);
        if (at is { } value)
        {
            WriteOffset(w, value, origin);
        }
    }

    private static DateTimeOffset? ReadOptionalOffset(BinaryReader r, long origin) => r.ReadBoolean() ? ReadOffset(r, origin) : null;

    private static void WriteOptional(BinaryWriter w, string? text)
    {
        w.Write(text is not null);
        if (text is not null)
        {
            w.Write(text);
        }
    }

    private static string? ReadOptional(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    /// <summary>A W3C <c>traceparent</c> of version 00 in lower-case hex takes 25 bytes; anything else is kept as text.</summary>
    private static void WriteTraceParent(BinaryWriter w, string? traceParent)
    {
        if (traceParent is { Length: 55 } t && t.StartsWith("00-", StringComparison.Ordinal) && t[35] == '-' && t[52] == '-'
            && IsLowerHex(t.AsSpan(3, 32)) && IsLowerHex(t.AsSpan(36, 16)) && IsLowerHex(t.AsSpan(53, 2)))
        {
            w.Write((byte)1);
            w.Write(Convert.FromHexString(t.AsSpan(3, 32)));
            w.Write(Convert.FromHexString(t.AsSpan(36, 16)));
            w.Write(Convert.FromHexString(t.AsSpan(53, 2)));
            return;
        }

        w.Write((byte)(traceParent is null ? 0 : 2));
        if (traceParent is not null)
        {
            w.Write(traceParent);
        }
    }

    private static string? ReadTraceParent(BinaryReader r) => r.ReadByte() switch
    {
        0 => null,
        1 => $"00-{Convert.ToHexStringLower(r.ReadBytes(16))}-{Convert.ToHexStringLower(r.ReadBytes(8))}-{Convert.ToHexStringLower(r.ReadBytes(1))}",
        _ => r.ReadString(),
    };

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
