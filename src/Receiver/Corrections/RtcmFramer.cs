namespace BeidouHub.Receiver.Corrections;

/// <summary>
/// Cuts a byte stream into RTCM 3 frames (RTCM 10403.3 section 4) without decoding them: it hunts
/// for the preamble <c>0xD3</c> followed by six zero reserved bits, reads the 10-bit length, and
/// accepts the frame when its CRC-24Q matches. A candidate whose CRC does not match is counted as a
/// bad frame and the hunt resumes at the byte after its preamble (a <c>0xD3</c> inside garbage or a
/// payload must not take the next real frame with it); bytes outside good frames are counted as skipped.
/// <para>
/// The framer owns its buffer, so a frame split across reads needs no copy and frames are handed
/// out as spans into it: read into <see cref="GetMemory"/>, <see cref="Advance"/>, then call
/// <see cref="TryReadFrame"/> until it returns false. No allocation per frame. As Kestrel's
/// HttpParser: false means "need more bytes", and nothing of a frame that may still complete is dropped.
/// </para>
/// </summary>
public sealed class RtcmFramer
{
    /// <summary>The preamble byte.</summary>
    public const byte Preamble = 0xD3;

    /// <summary>Largest payload the 10-bit length can say.</summary>
    public const int MaxPayloadLength = 1023;

    /// <summary>Header (3 bytes) and CRC (3 bytes) around the payload.</summary>
    public const int Overhead = 6;

    /// <summary>The largest frame: 1029 bytes.</summary>
    public const int MaxFrameLength = MaxPayloadLength + Overhead;

    private readonly byte[] _buffer;
    private int _start;
    private int _end;
    private long _frames;
    private long _badFrames;
    private long _skippedBytes;

    /// <summary>Creates a framer whose reads take up to <paramref name="readSize"/> bytes at a time.</summary>
    public RtcmFramer(int readSize = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(readSize, 1);
        _buffer = new byte[MaxFrameLength + readSize];
    }

    /// <summary>Frames with a good CRC.</summary>
    public long Frames => Volatile.Read(ref _frames);

    /// <summary>Candidates (preamble, zero reserved bits, a length) whose CRC did not match.</summary>
    public long BadFrames => Volatile.Read(ref _badFrames);

    /// <summary>Bytes that were not part of a good frame (garbage, bad frames, other protocols).</summary>
    public long SkippedBytes => Volatile.Read(ref _skippedBytes);

    /// <summary>Bytes held that are not a frame yet (at most <see cref="MaxFrameLength"/> - 1 after TryReadFrame returned false).</summary>
    public int Pending => _end - _start;

    /// <summary>Free space to read into (at least one byte). Invalidates the last frame's span.</summary>
    public Memory<byte> GetMemory()
    {
        if (_start > 0 && (_start == _end || _buffer.Length - _end < _buffer.Length - MaxFrameLength))
        {
            // Keep the partial frame, drop what was consumed: the free tail is at least readSize again.
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        return _buffer.AsMemory(_end);
    }

    /// <summary>Takes <paramref name="count"/> bytes written into <see cref="GetMemory"/>.</summary>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _end);
        _end += count;
    }

    /// <summary>Copies <paramref name="bytes"/> in, reading out frames as the buffer fills: for callers that already hold the bytes (tests, a de-chunker).</summary>
    public int Write(ReadOnlySpan<byte> bytes)
    {
        Span<byte> free = GetMemory().Span;
        int n = Math.Min(free.Length, bytes.Length);
        bytes[..n].CopyTo(free);
        _end += n;
        return n;
    }

    /// <summary>The next good frame, or false when more bytes are needed.</summary>
    public bool TryReadFrame(out RtcmFrame frame)
    {
        while (true)
        {
            ReadOnlySpan<byte> held = _buffer.AsSpan(_start, _end - _start);
            int preamble = held.IndexOf(Preamble);
            if (preamble < 0)
            {
                Skip(held.Length);
                frame = default;
                return false;
            }

            Skip(preamble);
            held = held[preamble..];
            if (held.Length < 3)
            {
                frame = default;
                return false;
            }

            // RTCM 10403.3 table 4-1: 6 reserved bits "000000" after the preamble. RTKLIB ignores
            // them; requiring them halves the false starts a D3 in other binary data makes.
            if ((held[1] & 0xFC) != 0)
            {
                Skip(1);
                continue;
            }

            int length = ((held[1] & 0x03) << 8 | held[2]) + Overhead;
            if (held.Length < length)
            {
                frame = default;
                return false;
            }

            ReadOnlySpan<byte> candidate = held[..length];
            uint crc = (uint)(candidate[^3] << 16 | candidate[^2] << 8 | candidate[^1]);
            if (Crc24Q.Compute(candidate[..^3]) != crc)
            {
                Interlocked.Increment(ref _badFrames);
                Skip(1);
                continue;
            }

            _start += length;
            Interlocked.Increment(ref _frames);
            frame = new RtcmFrame(candidate);
            return true;
        }
    }

    /// <summary>Forgets held bytes (a new connection); the counters stay.</summary>
    public void Reset()
    {
        _start = 0;
        _end = 0;
    }

    private void Skip(int count)
    {
        if (count > 0)
        {
            _start += count;
            Interlocked.Add(ref _skippedBytes, count);
        }
    }
}
