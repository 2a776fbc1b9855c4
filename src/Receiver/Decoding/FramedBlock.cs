using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using BeidouHub.Receiver.Nmea;

namespace BeidouHub.Receiver.Decoding;

/// <summary>
/// A block of input with the lines framed and parsed in it, handed from the framing thread to
/// the assembling thread of <see cref="NmeaDecoder.RunInTwoStages"/>. A parsed sentence is kept
/// as where its body lies in <see cref="Bytes"/> plus its field starts and address; the
/// assembling thread sets it up again over the same bytes (<see cref="NmeaSentence.Restore"/>)
/// without scanning them. Blocks are reused: nothing is allocated per sentence once the arrays
/// have grown to the input's needs.
/// </summary>
internal sealed class FramedBlock(int size)
{
    // Not zeroed (nothing is read before it is written): the pages are first touched by the
    // framing thread, not cleared by the thread that creates the block.
    private Line[] _lines = GC.AllocateUninitializedArray<Line>(Math.Max(16, size / 48));
    private ushort[] _starts = GC.AllocateUninitializedArray<ushort>(Math.Max(64, size / 4));
    private byte[] _copies = [];
    private int _count;
    private int _startsUsed;
    private int _copiesUsed;

    /// <summary>The bytes: the incomplete sentence carried from the previous block, then what was read.</summary>
    public byte[] Bytes { get; private set; } = GC.AllocateUninitializedArray<byte>(size);

    /// <summary>Bytes in <see cref="Bytes"/>.</summary>
    public int Length { get; set; }

    /// <summary>Of those, read for this block (the last ones).</summary>
    public int Fresh { get; set; }

    /// <summary>The input ended with this block.</summary>
    public bool IsFinal { get; set; }

    /// <summary>The read for this block failed; thrown on the assembling thread.</summary>
    public ExceptionDispatchInfo? Failure { get; set; }

    /// <summary>Empties the block for the next read, with room for at least <paramref name="size"/> bytes.</summary>
    public void Clear(int size)
    {
        if (Bytes.Length < size)
        {
            Bytes = GC.AllocateUninitializedArray<byte>(size);
        }

        _count = _startsUsed = _copiesUsed = 0;
        Length = Fresh = 0;
        IsFinal = false;
        Failure = null;
    }

    /// <summary>Keeps a line the framer parsed (<paramref name="error"/> None) or rejected.</summary>
    public void Add(in NmeaSentence sentence, NmeaError error)
    {
        if (_count == _lines.Length)
        {
            Array.Resize(ref _lines, _count * 2);
        }

        ref Line line = ref _lines[_count++];
        line.Error = error;
        if (error != NmeaError.None)
        {
            return;
        }

        ReadOnlySpan<ushort> starts = sentence.Starts;
        if (_startsUsed + starts.Length + NmeaSentence.StartsBlock > _starts.Length)
        {
            // Slack of one block past the last start: the fixed copies below and in Restore read
            // and write a whole block.
            Array.Resize(ref _starts, Math.Max(_starts.Length * 2, _startsUsed + starts.Length + NmeaSentence.StartsBlock));
        }

        ref ushort to = ref _starts[_startsUsed];
        if (starts.Length <= NmeaSentence.StartsBlock)
        {
            // A sentence's starts live in an array of MaxFields + 1 (more than a block), so a whole block can be read.
            Unsafe.WriteUnaligned(ref Unsafe.As<ushort, byte>(ref to), Unsafe.ReadUnaligned<NmeaSentence.StartsCopy>(ref Unsafe.As<ushort, byte>(ref MemoryMarshal.GetReference(starts))));
        }
        else
        {
            starts.CopyTo(_starts.AsSpan(_startsUsed));
        }

        line.Starts = _startsUsed;
        line.StartCount = (byte)starts.Length;
        _startsUsed += starts.Length;

        ReadOnlySpan<byte> body = sentence.Body;
        nint at = Unsafe.ByteOffset(ref MemoryMarshal.GetArrayDataReference(Bytes), ref MemoryMarshal.GetReference(body));
        if (at >= 0 && at + body.Length <= Length)
        {
            line.Body = (int)at;
            line.Copied = false;
        }
        else
        {
            // Not in this block's bytes: the framer's copy of a sentence that straddled two
            // segments (the two-stage path hands it one contiguous block, so this does not happen
            // there; kept so that a block is right whatever framed it).
            if (_copiesUsed + body.Length > _copies.Length)
            {
                Array.Resize(ref _copies, Math.Max(Math.Max(256, _copies.Length * 2), _copiesUsed + body.Length));
            }

            body.CopyTo(_copies.AsSpan(_copiesUsed));
            line.Body = _copiesUsed;
            line.Copied = true;
            _copiesUsed += body.Length;
        }

        line.Length = body.Length;
        line.Talker = sentence.Talker;
        line.Type = sentence.Type;
        line.HasChecksum = sentence.HasChecksum;
        line.Encapsulated = sentence.IsEncapsulated;
    }

    /// <summary>Hands every line kept, in order, to <paramref name="decoder"/> (counted, assembled).</summary>
    public void Replay(NmeaDecoder decoder)
    {
        for (int i = 0; i < _count; i++)
        {
            ref Line line = ref _lines[i];
            if (line.Error != NmeaError.None)
            {
                decoder.Take(default, line.Error);
                continue;
            }

            ReadOnlySpan<byte> body = (line.Copied ? _copies : Bytes).AsSpan(line.Body, line.Length);
            NmeaSentence sentence = NmeaSentence.Restore(body, _starts.AsSpan(line.Starts, line.StartCount), line.Talker, line.Type, line.HasChecksum, line.Encapsulated);
            decoder.Take(sentence, NmeaError.None);
        }
    }

    // One framed line: an error, or where its sentence is.
    private struct Line
    {
        public int Body;
        public int Length;
        public int Starts;
        public byte StartCount;
        public NmeaError Error;
        public Talker Talker;
        public SentenceType Type;
        public bool HasChecksum;
        public bool Encapsulated;
        public bool Copied;
    }
}
