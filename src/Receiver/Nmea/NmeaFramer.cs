using System.Buffers;

namespace BeidouHub.Receiver.Nmea;

/// <summary>
/// Cuts a receiver's byte stream into candidate NMEA sentences, one per line. It resynchronises
/// on every <c>$</c> or <c>!</c>: garbage, binary frames (UBX <c>B5 62</c>, RTCM3 <c>D3</c>,
/// CASIC) and NUL bytes between sentences are skipped and counted; a sentence cut short by the
/// next start character, a <c>$$</c> doubled start, a byte that cannot be in NMEA, or a line
/// longer than the cap is dropped and counted. CRLF, LF-only and CR-only line ends are all
/// accepted. Lines starting with <c>#</c> are comments (capture headers) and are skipped.
/// <para>
/// Contract, as Kestrel's HttpParser: when <see cref="TryReadSentence"/> returns false on the
/// prefix of a sentence, nothing of that sentence is consumed; only bytes already known to be
/// garbage are. It never throws on input.
/// </para>
/// </summary>
public sealed class NmeaFramer
{
    /// <summary>
    /// The default cap: NMEA 0183 allows 82 characters, real receivers exceed it (u-blox
    /// high-precision GGA, 24-slot GSA, Quectel PQTM), so the cap is generous.
    /// </summary>
    public const int DefaultMaxSentenceLength = 256;

    private static readonly SearchValues<byte> HuntStops = SearchValues.Create("$!#\r\n"u8);
    private static readonly SearchValues<byte> DiscardStops = SearchValues.Create("$!\r\n"u8);

    // Bytes a comment line may hold: printable ASCII and tab. Anything else ends the comment, as
    // in gpsd's packet lexer (a '#' after a line feed inside a UBX payload is not a comment).
    private static readonly SearchValues<byte> CommentBytes = SearchValues.Create(
        "\t !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"u8);

    // Bytes allowed inside a sentence: printable ASCII except the start characters, which
    // NMEA 0183 reserves (a '$' inside a line means a new sentence began).
    private static readonly SearchValues<byte> SentenceBytes = SearchValues.Create(
        " \"#%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"u8);

    private readonly byte[] _scratch;
    private readonly int _maxLength;
    private bool _atLineStart = true;
    private bool _inComment;
    private bool _discarding;
    private long _commentLength;

    /// <summary>Creates a framer.</summary>
    /// <param name="maxSentenceLength">Longest accepted sentence, from the start character to before the line end.</param>
    public NmeaFramer(int maxSentenceLength = DefaultMaxSentenceLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSentenceLength, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxSentenceLength, 60_000);
        _maxLength = maxSentenceLength;
        _scratch = new byte[maxSentenceLength + 2];
    }

    /// <summary>What has been dropped so far.</summary>
    public FramingCounters Counters { get; } = new();

    /// <summary>The cap on a sentence's length.</summary>
    public int MaxSentenceLength => _maxLength;

    /// <summary>
    /// Takes the next sentence from the front of <paramref name="buffer"/>.
    /// </summary>
    /// <param name="buffer">The unread bytes; advanced past what was consumed.</param>
    /// <param name="sentence">
    /// On true, the sentence from its start character up to (not including) its line end. It
    /// points into <paramref name="buffer"/>'s memory or into the framer's own scratch buffer, and
    /// is valid until the next call or until the buffer's memory is released.
    /// </param>
    /// <param name="isFinalBlock">
    /// True when no more bytes will come (end of file, closed port): a last sentence without a
    /// line end is then returned as it is (and counted as unterminated).
    /// </param>
    /// <returns>False when more bytes are needed; the bytes of an incomplete sentence stay in the buffer.</returns>
    public bool TryReadSentence(ref ReadOnlySequence<byte> buffer, out ReadOnlySpan<byte> sentence, bool isFinalBlock = false)
    {
        while (!buffer.IsEmpty)
        {
            ReadOnlySpan<byte> first = buffer.FirstSpan;
            bool onlySegment = buffer.IsSingleSegment;
            if (Scan(first, isFinalBlock && onlySegment, out int consumed, out int start, out int length))
            {
                sentence = first.Slice(start, length);
                buffer = buffer.Slice(consumed);
                return true;
            }

            buffer = buffer.Slice(consumed);
            if (onlySegment)
            {
                break;
            }

            if (consumed < first.Length || first.IsEmpty)
            {
                // A sentence starts in this segment and goes on in the next (or this segment is
                // empty): look at it through a copy of at most one maximum-length line (Kestrel
                // does the same with a stack buffer for headers that straddle segments).
                int n = (int)Math.Min(buffer.Length, _scratch.Length);
                buffer.Slice(0, n).CopyTo(_scratch);
                bool final = isFinalBlock && n == buffer.Length;
                if (Scan(_scratch.AsSpan(0, n), final, out consumed, out start, out length))
                {
                    sentence = _scratch.AsSpan(start, length);
                    buffer = buffer.Slice(consumed);
                    return true;
                }

                buffer = buffer.Slice(consumed);
                if (consumed == 0)
                {
                    break;
                }
            }
        }

        sentence = default;
        return false;
    }

    /// <summary>
    /// The same as <see cref="TryReadSentence"/> for bytes in one contiguous block, without slicing a
    /// sequence per sentence: the decoder's fast path. False: <paramref name="consumed"/> bytes may
    /// be dropped and the rest (an incomplete sentence, or nothing) waits for more bytes.
    /// </summary>
    internal bool TryReadSentenceInBlock(ReadOnlySpan<byte> block, bool isFinalBlock, out int consumed, out ReadOnlySpan<byte> sentence)
    {
        if (Scan(block, isFinalBlock, out consumed, out int start, out int length))
        {
            sentence = block.Slice(start, length);
            return true;
        }

        sentence = default;
        return false;
    }

    /// <summary>
    /// The decoder's one-pass path: line ends at the front of <paramref name="block"/> are
    /// skipped, and a well-formed line <c>$...*hh</c> with its line end that follows is framed
    /// and parsed by the parser's own scan (<see cref="NmeaSentence.TryParseLine"/>), so its bytes
    /// are read once, not once here and once by the parser. False: <paramref name="consumed"/>
    /// line-end bytes were skipped and what follows is for <see cref="TryReadSentenceInBlock"/>
    /// (garbage, a comment, a line without checksum, a cut or overlong line, the block's end).
    /// The counters and the line state end as the general path leaves them.
    /// </summary>
    internal bool TryParseLineInBlock(ReadOnlySpan<byte> block, out int consumed, out NmeaSentence sentence, out NmeaError error)
    {
        sentence = default;
        error = NmeaError.None;
        consumed = 0;
        if (_discarding || _inComment)
        {
            return false;
        }

        int i = 0;
        while (i < block.Length && block[i] is (byte)'\r' or (byte)'\n')
        {
            i++;
        }

        consumed = i;
        if (i > 0)
        {
            _atLineStart = true;
        }

        if (i == block.Length || block[i] is not ((byte)'$' or (byte)'!')
            || !NmeaSentence.TryParseLine(block[i..], _maxLength, out sentence, out error, out int length))
        {
            return false;
        }

        // The line end: CR LF as one, else the one byte (a LF after a CR cut off by the block's
        // end is a line end of its own next time, as on the general path).
        int end = i + length;
        end += block[end] == (byte)'\r' && end + 1 < block.Length && block[end + 1] == (byte)'\n' ? 2 : 1;
        consumed = end;
        _atLineStart = true;
        return true;
    }

    /// <summary>Resets the line state, as after a reconnect (counters are kept).</summary>
    public void Reset()
    {
        _atLineStart = true;
        _inComment = false;
        _commentLength = 0;
        _discarding = false;
    }

    // Scans one contiguous block. True: a sentence at [start, start+length), consumed covers it
    // and its line end byte. False: consumed is what may be dropped (garbage, comments, an
    // overlong line's head); the rest of the block starts an incomplete sentence, or is empty.
    private bool Scan(ReadOnlySpan<byte> data, bool final, out int consumed, out int start, out int length)
    {
        int i = 0;
        start = 0;
        length = 0;
        while (i < data.Length)
        {
            if (_discarding)
            {
                int stop = data[i..].IndexOfAny(DiscardStops);
                if (stop < 0)
                {
                    consumed = data.Length;
                    return false;
                }

                i += stop;
                _discarding = false;
                continue;
            }

            if (_inComment)
            {
                int stop = data[i..].IndexOfAnyExcept(CommentBytes);
                if (stop < 0)
                {
                    _commentLength += data.Length - i;
                    consumed = data.Length;
                    return false;
                }

                i += stop;
                if (data[i] is (byte)'\r' or (byte)'\n')
                {
                    Counters._commentLines++;
                }
                else
                {
                    // Not a comment after all: binary that happened to hold LF '#'.
                    Counters._garbageBytes += _commentLength + stop;
                    _atLineStart = false;
                }

                _inComment = false;
                continue;
            }

            ReadOnlySpan<byte> hunt = data[i..];
            int at = hunt.IndexOfAny(HuntStops);
            int skipped = at < 0 ? hunt.Length : at;
            if (skipped > 0)
            {
                Counters._garbageBytes += skipped;
                _atLineStart = false;
            }

            if (at < 0)
            {
                consumed = data.Length;
                return false;
            }

            i += at;
            byte b = data[i];
            if (b is (byte)'\r' or (byte)'\n')
            {
                _atLineStart = true;
                i++;
                continue;
            }

            if (b == (byte)'#')
            {
                if (_atLineStart)
                {
                    _inComment = true;
                    _commentLength = 1;
                }
                else
                {
                    Counters._garbageBytes++;
                }

                i++;
                continue;
            }

            // A start character: the candidate runs to the first byte that cannot be inside a sentence.
            ReadOnlySpan<byte> body = data[(i + 1)..];
            int end = body.IndexOfAnyExcept(SentenceBytes);
            int bodyLength = end < 0 ? body.Length : end;
            if (1 + bodyLength > _maxLength)
            {
                Counters._overlong++;
                _discarding = true;
                _atLineStart = false;
                i += 1 + Math.Min(bodyLength, _maxLength);
                continue;
            }

            if (end < 0)
            {
                if (final)
                {
                    Counters._unterminated++;
                    start = i;
                    length = data.Length - i;
                    consumed = data.Length;
                    _atLineStart = false;
                    return true;
                }

                consumed = i;
                return false;
            }

            byte stopByte = body[end];
            if (stopByte is (byte)'\r' or (byte)'\n')
            {
                start = i;
                length = 1 + end;
                consumed = i + 1 + end + 1;
                _atLineStart = true;
                return true;
            }

            if (stopByte is (byte)'$' or (byte)'!')
            {
                if (end == 0 && b == stopByte)
                {
                    Counters._doubledStarts++;
                }
                else
                {
                    Counters._truncated++;
                }

                _atLineStart = false;
                i += 1 + end;
                continue;
            }

            // A byte no NMEA sentence holds (binary, NUL, 8-bit): the candidate is not a
            // sentence. The byte itself is garbage; hunting resumes after it.
            Counters._invalidBytes++;
            Counters._garbageBytes++;
            _atLineStart = false;
            i += 1 + end + 1;
        }

        consumed = data.Length;
        return false;
    }
}
