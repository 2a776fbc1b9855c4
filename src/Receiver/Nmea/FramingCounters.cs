namespace BeidouHub.Receiver.Nmea;

/// <summary>
/// What the framer dropped, by reason. Written by the one thread that frames a receiver's
/// stream; readers take a snapshot (values may be a few bytes behind, never torn on 64-bit).
/// </summary>
public sealed class FramingCounters
{
    internal long _garbageBytes;
    internal long _commentLines;
    internal long _truncated;
    internal long _doubledStarts;
    internal long _invalidBytes;
    internal long _overlong;
    internal long _unterminated;

    /// <summary>Bytes outside any sentence (binary frames such as UBX or RTCM, noise, NUL), not counting line ends.</summary>
    public long GarbageBytes => Volatile.Read(ref _garbageBytes);

    /// <summary>Lines starting with <c>#</c> (capture headers, Unicore ASCII logs), skipped whole.</summary>
    public long CommentLines => Volatile.Read(ref _commentLines);

    /// <summary>Sentences cut short by the next <c>$</c>/<c>!</c> before their line end (packet collisions).</summary>
    public long Truncated => Volatile.Read(ref _truncated);

    /// <summary><c>$$</c> doubled start characters (the first one is dropped).</summary>
    public long DoubledStarts => Volatile.Read(ref _doubledStarts);

    /// <summary>Sentences abandoned at a byte that cannot be in NMEA (binary interleaved, NUL, non-ASCII).</summary>
    public long InvalidBytes => Volatile.Read(ref _invalidBytes);

    /// <summary>Lines longer than the configured maximum, discarded up to their end.</summary>
    public long Overlong => Volatile.Read(ref _overlong);

    /// <summary>A sentence without a line end when the stream ended (offered to the parser as it is).</summary>
    public long Unterminated => Volatile.Read(ref _unterminated);

    /// <summary>Every sentence-level drop (not garbage bytes or comments).</summary>
    public long DroppedSentences => Truncated + DoubledStarts + InvalidBytes + Overlong;
}
