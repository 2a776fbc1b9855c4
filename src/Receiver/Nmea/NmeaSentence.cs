using System.Runtime.CompilerServices;

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
    public readonly ReadOnlySpan<byte> Field(int index)
    {
        if ((uint)index > (uint)FieldCount)
        {
            return default;
        }

        int start = _starts[index];
        int end = _starts[index + 1] - 1;
        return _body[start..end];
    }

    /// <summary>
    /// Parses one line that starts with <c>$</c> or <c>!</c> and ends before the line terminator.
    /// </summary>
    /// <param name="line">The sentence bytes; trailing CR, LF and spaces are ignored.</param>
    /// <param name="sentence">The parsed sentence, valid while <paramref name="line"/> is.</param>
    /// <param name="error">Why the line was rejected, or <see cref="NmeaError.None"/>.</param>
    /// <param name="requireChecksum">
    /// Reject sentences without <c>*hh</c>. NMEA 0183 makes the checksum mandatory only for some
    /// sentences and old receivers omit it; gpsd accepts such lines, and so does the default here.
    /// </param>
    public static bool TryParse(ReadOnlySpan<byte> line, out NmeaSentence sentence, out NmeaError error, bool requireChecksum = false)
    {
        sentence = default;
        while (line.Length > 0 && line[^1] is (byte)'\r' or (byte)'\n' or (byte)' ')
        {
            line = line[..^1];
        }

        if (line.Length < 2 || (line[0] != (byte)'$' && line[0] != (byte)'!'))
        {
            error = NmeaError.NoStart;
            return false;
        }

        sentence.IsEncapsulated = line[0] == (byte)'!';
        ReadOnlySpan<byte> body = line[1..];

        // One pass: XOR for the checksum (NMEA 0183: every byte between the start character and
        // '*'), printable-ASCII check, and the comma positions.
        int star = -1;
        int fields = 0;
        byte xor = 0;
        ref FieldStarts starts = ref sentence._starts;
        starts[0] = 0;
        for (int i = 0; i < body.Length; i++)
        {
            byte b = body[i];
            if (b == (byte)'*')
            {
                star = i;
                break;
            }

            if (b < 0x20 || b > 0x7E || b == (byte)'$' || b == (byte)'!')
            {
                error = NmeaError.InvalidCharacter;
                return false;
            }

            xor ^= b;
            if (b == (byte)',')
            {
                if (++fields >= MaxFields)
                {
                    error = NmeaError.TooManyFields;
                    return false;
                }

                starts[fields] = (ushort)(i + 1);
            }
        }

        int payloadEnd = star < 0 ? body.Length : star;
        if (payloadEnd > ushort.MaxValue - 1)
        {
            error = NmeaError.TooLong;
            return false;
        }

        starts[fields + 1] = (ushort)(payloadEnd + 1);

        if (star >= 0)
        {
            ReadOnlySpan<byte> hex = body[(star + 1)..];
            if (hex.Length != 2 || !TryHex(hex[0], out int hi) || !TryHex(hex[1], out int lo))
            {
                error = NmeaError.BadChecksumFormat;
                return false;
            }

            if (((hi << 4) | lo) != xor)
            {
                error = NmeaError.ChecksumMismatch;
                return false;
            }

            sentence.HasChecksum = true;
        }
        else if (requireChecksum)
        {
            error = NmeaError.MissingChecksum;
            return false;
        }

        sentence._body = body[..payloadEnd];
        sentence.FieldCount = fields;

        if (!TryClassify(sentence.Address, out Talker talker, out SentenceType type))
        {
            sentence = default;
            error = NmeaError.BadAddress;
            return false;
        }

        sentence.Talker = talker;
        sentence.Type = sentence.IsEncapsulated ? SentenceType.Unknown : type;
        error = NmeaError.None;
        return true;
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

    [InlineArray(MaxFields + 1)]
    private struct FieldStarts
    {
        private ushort _element0;
    }
}
