using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BeidouHub.Receiver.Nmea;

/// <summary>
/// One NMEA 0183 sentence, parsed in place: the address and the fields are spans over the bytes
/// the framer handed in. Nothing is copied and nothing is allocated; the sentence is valid only
/// while those bytes are. Field numbering follows the NMEA documents: <c>Field(0)</c> is the
/// address (<c>GPGGA</c>), <c>Field(1)</c> the first data field.
/// </summary>
public ref struct NmeaSentence
{
    /// <summary>
    /// The most fields a sentence may carry. The longest standard ones are GSV with four
    /// satellites plus signal id (20) and the 24-slot GSA of the Navior-24 (30, per gpsd's
    /// processGSA notes); proprietary sentences such as <c>$PUBX,00</c> reach 21.
    /// </summary>
    public const int MaxFields = 48;

    private ReadOnlySpan<byte> _body;
    private FieldStarts _starts;

    /// <summary>The talker of the address; <see cref="Talker.Proprietary"/> for <c>P</c> sentences.</summary>
    public Talker Talker { readonly get; private set; }

    /// <summary>The formatter, when BeidouHub reads it; otherwise <see cref="SentenceType.Unknown"/>.</summary>
    public SentenceType Type { readonly get; private set; }

    /// <summary>True for sentences that start with <c>!</c> (encapsulation, e.g. AIS) instead of <c>$</c>.</summary>
    public bool IsEncapsulated { readonly get; private set; }

    /// <summary>True when the sentence carried <c>*hh</c> (and it matched); false when it had none.</summary>
    public bool HasChecksum { readonly get; private set; }

    /// <summary>Number of fields after the address (the address itself is not counted).</summary>
    public int FieldCount { readonly get; private set; }

    /// <summary>The address field without the start character, e.g. <c>GBGSV</c> or <c>PQTMVER</c>.</summary>
    public readonly ReadOnlySpan<byte> Address => Field(0);

    /// <summary>
    /// The bytes of field <paramref name="index"/> (0 = address, 1 = first data field), without
    /// the separating commas. A field past the end of the sentence reads as empty, which every
    /// typed reader treats as "absent": NMEA lets talkers drop trailing null fields.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ReadOnlySpan<byte> Field(int index)
    {
        if ((uint)index > (uint)FieldCount)
        {
            return default;
        }

        // Starts 0..FieldCount+1 are written by TryParse, in increasing order within the body, and
        // FieldCount < MaxFields: no need to check again.
        ref ushort starts = ref Unsafe.As<FieldStarts, ushort>(ref Unsafe.AsRef(in _starts));
        int start = Unsafe.Add(ref starts, index);
        int end = Unsafe.Add(ref starts, index + 1) - 1;
        return MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref MemoryMarshal.GetReference(_body), start), end - start);
    }

    /// <summary>The bytes between the start character and the <c>*</c> (address and fields), for a sentence that is kept to be read later (<see cref="Decoding.FramedBlock"/>).</summary>
    internal readonly ReadOnlySpan<byte> Body => _body;

    /// <summary>Where each field starts in <see cref="Body"/>, with the end after the last: <see cref="FieldCount"/> + 2 values.</summary>
    internal readonly ReadOnlySpan<ushort> Starts =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<FieldStarts, ushort>(ref Unsafe.AsRef(in _starts)), FieldCount + 2);

    /// <summary>
    /// A sentence parsed earlier, set up again over its <paramref name="body"/> from what
    /// <see cref="Body"/>, <see cref="Starts"/> and the properties said: no byte is scanned again.
    /// </summary>
    internal static NmeaSentence Restore(ReadOnlySpan<byte> body, ReadOnlySpan<ushort> starts, Talker talker, SentenceType type, bool hasChecksum, bool encapsulated)
    {
        Unsafe.SkipInit(out NmeaSentence sentence);
        sentence._body = body;
        ref ushort to = ref Unsafe.As<FieldStarts, ushort>(ref sentence._starts);
        if (starts.Length <= StartsBlock)
        {
            // The common sentence in one fixed copy, no call: the caller's starts have room for a
            // whole block past the last one (FramedBlock keeps slack), and so do these.
            Unsafe.WriteUnaligned(ref Unsafe.As<ushort, byte>(ref to), Unsafe.ReadUnaligned<StartsCopy>(ref Unsafe.As<ushort, byte>(ref MemoryMarshal.GetReference(starts))));
        }
        else
        {
            starts.CopyTo(MemoryMarshal.CreateSpan(ref to, MaxFields + 1));
        }

        sentence.FieldCount = starts.Length - 2;
        sentence.Talker = talker;
        sentence.Type = type;
        sentence.HasChecksum = hasChecksum;
        sentence.IsEncapsulated = encapsulated;
        return sentence;
    }

    /// <summary>
    /// Parses one line that starts with <c>$</c> or <c>!</c> and ends before the line terminator.
    /// </summary>
    /// <param name="line">The sentence bytes; trailing CR, LF and spaces are ignored.</param>
    /// <param name="sentence">The parsed sentence, valid while <paramref name="line"/> is.</param>
    /// <param name="error">Why the line was rejected, or <see cref="NmeaError.None"/>.</param>
    /// <param name="requireChecksum">
    /// Reject sentences without <c>*hh</c>. NMEA 0183 makes the checksum mandatory only for some
    /// sentences and old receivers omit it; gpsd 3.22 accepts such lines (3.27 rejects them: packet.c,
    /// "no asterisk found"), and the default here accepts and counts them.
    /// </param>
    public static bool TryParse(ReadOnlySpan<byte> line, out NmeaSentence sentence, out NmeaError error, bool requireChecksum = false) =>
        TryParse(line, out sentence, out error, requireChecksum, Vector256.IsHardwareAccelerated);

    /// <summary><see cref="TryParse(ReadOnlySpan{byte}, out NmeaSentence, out NmeaError, bool)"/> with the scan's block width chosen (tests run both).</summary>
    internal static bool TryParse(ReadOnlySpan<byte> line, out NmeaSentence sentence, out NmeaError error, bool requireChecksum, bool wideBlocks)
    {
        while (line.Length > 0 && line[^1] is (byte)'\r' or (byte)'\n' or (byte)' ')
        {
            line = line[..^1];
        }

        if (line.Length < 2 || (line[0] != (byte)'$' && line[0] != (byte)'!'))
        {
            sentence = default;
            error = NmeaError.NoStart;
            return false;
        }

        // Only the field starts up to FieldCount + 1 are ever read: no need to zero the rest.
        Unsafe.SkipInit(out sentence);
        ReadOnlySpan<byte> body = line[1..];
        var scan = new Scan(ref sentence._starts);
        if (!scan.Run(body, wideBlocks, out error))
        {
            sentence = default;
            return false;
        }

        int star = scan.Star;
        int payloadEnd = star < 0 ? body.Length : star;
        if (payloadEnd > ushort.MaxValue - 1)
        {
            sentence = default;
            error = NmeaError.TooLong;
            return false;
        }

        sentence._starts[0] = 0;
        sentence._starts[scan.Fields + 1] = (ushort)(payloadEnd + 1);
        bool hasChecksum = false;
        if (star >= 0)
        {
            ReadOnlySpan<byte> hex = body[(star + 1)..];
            if (hex.Length != 2 || !TryHex(hex[0], out int hi) || !TryHex(hex[1], out int lo))
            {
                sentence = default;
                error = NmeaError.BadChecksumFormat;
                return false;
            }

            if (((hi << 4) | lo) != scan.Xor)
            {
                sentence = default;
                error = NmeaError.ChecksumMismatch;
                return false;
            }

            hasChecksum = true;
        }
        else if (requireChecksum)
        {
            sentence = default;
            error = NmeaError.MissingChecksum;
            return false;
        }

        return sentence.Finish(line[0] == (byte)'!', body[..payloadEnd], scan.Fields, hasChecksum, out error);
    }

    /// <summary>
    /// Frames and parses in one pass: the decoder's path for the common line. When
    /// <paramref name="data"/> (which starts with <c>$</c> or <c>!</c>) begins with a line
    /// <c>$...*hh</c> ended by CR or LF, at most <paramref name="maxLength"/> bytes long, this
    /// returns true with that line's <paramref name="length"/> (without its line end) and the same
    /// <paramref name="sentence"/> and <paramref name="error"/> as <see cref="TryParse(ReadOnlySpan{byte}, out NmeaSentence, out NmeaError, bool)"/> gives for
    /// it. False when the bytes are anything else (no checksum, a byte that ends the line before
    /// the <c>*</c>, hex digits not followed by the line end, cut by the end of the data, too
    /// long): the framer then cuts the line the general way, and nothing is lost.
    /// </summary>
    internal static bool TryParseLine(ReadOnlySpan<byte> data, int maxLength, out NmeaSentence sentence, out NmeaError error, out int length)
    {
        Unsafe.SkipInit(out sentence);
        ReadOnlySpan<byte> body = data[1..];
        var scan = new Scan(ref sentence._starts);
        int star;
        if (!scan.Run(body, Vector256.IsHardwareAccelerated, out error) || (star = scan.Star) < 0 || star + 3 >= body.Length || star + 4 > maxLength
            || body[star + 3] is not ((byte)'\r' or (byte)'\n')
            || !TryHex(body[star + 1], out int hi) || !TryHex(body[star + 2], out int lo))
        {
            sentence = default;
            length = 0;
            return false;
        }

        length = star + 4;
        sentence._starts[0] = 0;
        sentence._starts[scan.Fields + 1] = (ushort)(star + 1);
        if (((hi << 4) | lo) != scan.Xor)
        {
            sentence = default;
            error = NmeaError.ChecksumMismatch;
            return true;
        }

        _ = sentence.Finish(data[0] == (byte)'!', body[..star], scan.Fields, hasChecksum: true, out error); // error says what Finish found
        return true;
    }

    // The rest of a parse once the body is scanned and the checksum checked: the address.
    private bool Finish(bool encapsulated, ReadOnlySpan<byte> payload, int fields, bool hasChecksum, out NmeaError error)
    {
        _body = payload;
        FieldCount = fields;
        HasChecksum = hasChecksum;
        IsEncapsulated = encapsulated;
        if (!TryClassify(Address, out Talker talker, out SentenceType type))
        {
            this = default;
            error = NmeaError.BadAddress;
            return false;
        }

        Talker = talker;
        Type = encapsulated ? SentenceType.Unknown : type;
        error = NmeaError.None;
        return true;
    }

    /// <summary>
    /// The one pass over a sentence body, a block at a time: where the <c>*</c> is, the comma
    /// positions before it (field starts), any byte that may not appear in a sentence (control,
    /// 8-bit, another <c>$</c>/<c>!</c>), and the XOR of every byte before the <c>*</c> (the NMEA
    /// checksum). Each block gives bit masks (one bit per byte); commas are then taken from the
    /// mask one by one, so the cost is per block and per field, not per byte. Blocks are 32 bytes
    /// where 256-bit vectors are hardware (AVX2) and 16 elsewhere: Arm64, and the native x64 binary,
    /// which keeps the compiler's default baseline (no AVX2) so that it runs on Atom and Celeron
    /// gateways. There a 32-byte block would be emulated as two 16-byte halves and cost more than
    /// two 16-byte blocks (bench/README, "Deployment").
    /// </summary>
    private ref struct Scan
    {
        private readonly ref FieldStarts _starts;
        private Vector128<byte> _xor;

        public Scan(ref FieldStarts starts)
        {
            _starts = ref starts;
            Star = -1;
        }

        /// <summary>Index of the first <c>*</c> in the body, or -1.</summary>
        public int Star { get; private set; }

        /// <summary>Commas before the <c>*</c>.</summary>
        public int Fields { get; private set; }

        /// <summary>The checksum of the bytes before the <c>*</c>.</summary>
        public readonly byte Xor
        {
            get
            {
                ulong x = _xor.AsUInt64().GetElement(0) ^ _xor.AsUInt64().GetElement(1);
                x ^= x >> 32;
                x ^= x >> 16;
                x ^= x >> 8;
                return (byte)x;
            }
        }

        /// <param name="body">The sentence after its <c>$</c>.</param>
        /// <param name="wide">32-byte blocks (<see cref="Vector256.IsHardwareAccelerated"/>); false: 16.</param>
        /// <param name="error">Why the body was rejected, or <see cref="NmeaError.None"/>.</param>
        public bool Run(ReadOnlySpan<byte> body, bool wide, out NmeaError error) =>
            wide ? Run<Blocks32>(body, out error) : Run<Blocks16>(body, out error);

        // The loop is the same at both widths; TWidth (a struct, so each width gets its own
        // compiled copy with the block inlined) says how wide a block is and how one is read.
        private bool Run<TWidth>(ReadOnlySpan<byte> body, out NmeaError error)
            where TWidth : struct, IBlockWidth
        {
            int width = TWidth.Width;
            ref byte start = ref MemoryMarshal.GetReference(body);
            int length = body.Length;
            int at = 0;
            for (; at + width <= length; at += width)
            {
                if (TWidth.Block(ref this, ref start, at, 0, width, out bool done, out error) is false)
                {
                    return false;
                }

                if (done)
                {
                    return true;
                }
            }

            int rest = length - at;
            if (rest == 0)
            {
                error = NmeaError.None;
                return true;
            }

            if (length >= width)
            {
                // The last bytes as one block ending at the end; the first width - rest bytes of
                // it were in the previous block and are skipped.
                return TWidth.Block(ref this, ref start, length - width, width - rest, width, out _, out error);
            }

            return Short<TWidth>(body, out error);
        }

        // A sentence shorter than one block: copied into a zeroed block (the zeros lie past the end
        // and are masked off). Apart, so that the common path's frame has no stack buffer to clear.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private bool Short<TWidth>(ReadOnlySpan<byte> body, out NmeaError error)
            where TWidth : struct, IBlockWidth
        {
            Span<byte> block = stackalloc byte[32];
            body.CopyTo(block);
            return TWidth.Block(ref this, ref MemoryMarshal.GetReference(block), 0, 0, body.Length, out _, out error);
        }

        /// <summary>One block width of the scan.</summary>
        private interface IBlockWidth
        {
            /// <summary>Bytes in a block.</summary>
            static abstract int Width { get; }

            /// <summary>Handles bytes [skip, end) of the block at <c>start + offset</c>, whose byte 0 is body[offset].</summary>
            static abstract bool Block(ref Scan scan, ref byte start, int offset, int skip, int end, out bool done, out NmeaError error);
        }

        private readonly struct Blocks32 : IBlockWidth
        {
            public static int Width => 32;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static bool Block(ref Scan scan, ref byte start, int offset, int skip, int end, out bool done, out NmeaError error)
            {
                Vector256<byte> v = Vector256.LoadUnsafe(ref start, (nuint)offset);
                uint stars = Vector256.Equals(v, Vector256.Create((byte)'*')).ExtractMostSignificantBits();
                uint bad = (Vector256.LessThan(v, Vector256.Create((byte)0x20))
                    | Vector256.GreaterThan(v, Vector256.Create((byte)0x7E))
                    | Vector256.Equals(v, Vector256.Create((byte)'$'))
                    | Vector256.Equals(v, Vector256.Create((byte)'!'))).ExtractMostSignificantBits();
                uint commas = Vector256.Equals(v, Vector256.Create((byte)',')).ExtractMostSignificantBits();
                if (!scan.Masks(stars, bad, commas, offset, skip, ref end, out done, out error))
                {
                    return false;
                }

                Vector256<byte> index = Vector256<byte>.Indices;
                Vector256<byte> inside = v & Vector256.GreaterThanOrEqual(index, Vector256.Create((byte)skip))
                    & Vector256.LessThan(index, Vector256.Create((byte)end));
                scan._xor ^= inside.GetLower() ^ inside.GetUpper();
                return true;
            }
        }

        private readonly struct Blocks16 : IBlockWidth
        {
            public static int Width => 16;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static bool Block(ref Scan scan, ref byte start, int offset, int skip, int end, out bool done, out NmeaError error)
            {
                Vector128<byte> v = Vector128.LoadUnsafe(ref start, (nuint)offset);
                uint stars = Vector128.Equals(v, Vector128.Create((byte)'*')).ExtractMostSignificantBits();
                uint bad = (Vector128.LessThan(v, Vector128.Create((byte)0x20))
                    | Vector128.GreaterThan(v, Vector128.Create((byte)0x7E))
                    | Vector128.Equals(v, Vector128.Create((byte)'$'))
                    | Vector128.Equals(v, Vector128.Create((byte)'!'))).ExtractMostSignificantBits();
                uint commas = Vector128.Equals(v, Vector128.Create((byte)',')).ExtractMostSignificantBits();
                if (!scan.Masks(stars, bad, commas, offset, skip, ref end, out done, out error))
                {
                    return false;
                }

                Vector128<byte> index = Vector128<byte>.Indices;
                scan._xor ^= v & Vector128.GreaterThanOrEqual(index, Vector128.Create((byte)skip))
                    & Vector128.LessThan(index, Vector128.Create((byte)end));
                return true;
            }
        }

        // The part that is the same at every width: a block's masks in (bit i = byte i), the field
        // starts, Star and Fields out; end becomes the star's place when the block holds it.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private bool Masks(uint stars, uint bad, uint commas, int offset, int skip, ref int end, out bool done, out NmeaError error)
        {
            stars = stars >> skip << skip;
            done = false;
            if (stars != 0)
            {
                int star = BitOperations.TrailingZeroCount(stars);
                if (star < end)
                {
                    end = star;
                    done = true;
                }
            }

            uint live = (end == 32 ? uint.MaxValue : (1u << end) - 1) >> skip << skip;
            uint badBits = bad & live;
            commas &= live;
            if (badBits != 0)
            {
                // Only the commas before the bad byte count, as a byte-by-byte scan would have seen them.
                commas &= (1u << BitOperations.TrailingZeroCount(badBits)) - 1;
            }

            int fields = Fields;
            if (commas != 0)
            {
                // fields < MaxFields is checked before each write, so the index stays inside the array.
                ref ushort starts = ref Unsafe.As<FieldStarts, ushort>(ref _starts);
                int next = offset + 1;
                do
                {
                    if (++fields >= MaxFields)
                    {
                        error = NmeaError.TooManyFields;
                        return false;
                    }

                    Unsafe.Add(ref starts, fields) = (ushort)(next + BitOperations.TrailingZeroCount(commas));
                    commas &= commas - 1;
                }
                while (commas != 0);
            }

            Fields = fields;
            if (badBits != 0)
            {
                error = NmeaError.InvalidCharacter;
                return false;
            }

            if (done)
            {
                Star = offset + end;
            }

            error = NmeaError.None;
            return true;
        }
    }

    // Proprietary addresses run long: Quectel's $PQTMJAMMINGSTATUS is 17 characters.
    private const int MaxAddressLength = 24;

    /// <summary>Splits an address into talker and formatter; false when it is not an address at all.</summary>
    internal static bool TryClassify(ReadOnlySpan<byte> address, out Talker talker, out SentenceType type)
    {
        talker = Talker.Other;
        type = SentenceType.Unknown;

        // Addresses are upper-case letters and digits: 5 for talker sentences (NMEA 0183 §5.3),
        // 'P' + 3-letter maker + type for proprietary ones ($PUBX, $PQTMVER, $PSRFEPE). Some
        // vendors add a sixth letter ($BDSGGA on old Unicore): accept it as unknown.
        if (address.Length < 2 || address.Length > MaxAddressLength)
        {
            return false;
        }

        foreach (byte b in address)
        {
            if (!((b >= (byte)'A' && b <= (byte)'Z') || (b >= (byte)'0' && b <= (byte)'9')))
            {
                return false;
            }
        }

        if (address[0] == (byte)'P')
        {
            // Quectel's $PQGSV/$PQGSA are GSV/GSA under a "PQ" talker (gpsd processGSV notes);
            // every other P-sentence is proprietary and passes through raw.
            if (address.Length == 5 && address[1] == (byte)'Q')
            {
                type = Formatter(address[2..]);
                if (type is SentenceType.Gsv or SentenceType.Gsa)
                {
                    talker = Talker.Pq;
                    return true;
                }
            }

            talker = Talker.Proprietary;
            type = SentenceType.Unknown;
            return true;
        }

        if (address.Length != 5)
        {
            return true;
        }

        talker = (address[0], address[1]) switch
        {
            ((byte)'G', (byte)'P') => Talker.Gp,
            ((byte)'G', (byte)'L') => Talker.Gl,
            ((byte)'G', (byte)'A') => Talker.Ga,
            ((byte)'G', (byte)'B') => Talker.Gb,
            ((byte)'B', (byte)'D') => Talker.Bd,
            ((byte)'G', (byte)'Q') => Talker.Gq,
            ((byte)'Q', (byte)'Z') => Talker.Qz,
            ((byte)'G', (byte)'I') => Talker.Gi,
            ((byte)'G', (byte)'N') => Talker.Gn,
            _ => Talker.Other,
        };
        type = Formatter(address[2..]);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static SentenceType Formatter(ReadOnlySpan<byte> f)
    {
        if (f.Length != 3)
        {
            return SentenceType.Unknown;
        }

        // Pack the three letters into one int so the switch compiles to a jump over constants.
        int code = (f[0] << 16) | (f[1] << 8) | f[2];
        return code switch
        {
            ('G' << 16) | ('G' << 8) | 'A' => SentenceType.Gga,
            ('R' << 16) | ('M' << 8) | 'C' => SentenceType.Rmc,
            ('G' << 16) | ('S' << 8) | 'A' => SentenceType.Gsa,
            ('G' << 16) | ('S' << 8) | 'V' => SentenceType.Gsv,
            ('G' << 16) | ('L' << 8) | 'L' => SentenceType.Gll,
            ('V' << 16) | ('T' << 8) | 'G' => SentenceType.Vtg,
            ('G' << 16) | ('S' << 8) | 'T' => SentenceType.Gst,
            ('G' << 16) | ('N' << 8) | 'S' => SentenceType.Gns,
            ('Z' << 16) | ('D' << 8) | 'A' => SentenceType.Zda,
            ('T' << 16) | ('X' << 8) | 'T' => SentenceType.Txt,
            ('G' << 16) | ('B' << 8) | 'S' => SentenceType.Gbs,
            _ => SentenceType.Unknown,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryHex(byte b, out int value)
    {
        // NMEA 0183 says upper-case hex; some receivers write lower case, gpsd accepts both.
        value = b switch
        {
            >= (byte)'0' and <= (byte)'9' => b - '0',
            >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
            >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
            _ => -1,
        };
        return value >= 0;
    }

    /// <summary>Field starts copied as one block by <see cref="Restore"/> and <see cref="Decoding.FramedBlock"/> when a sentence has no more.</summary>
    internal const int StartsBlock = 32;

    [InlineArray(MaxFields + 1)]
    private struct FieldStarts
    {
        private ushort _element0;
    }

    /// <summary><see cref="StartsBlock"/> field starts, for a copy without a call.</summary>
    [InlineArray(StartsBlock)]
    internal struct StartsCopy
    {
        private ushort _element0;
    }
}
