using System.Buffers;

namespace BeidouHub.Simulator;

/// <summary>Kinds of damage the faults profile puts into a receiver's stream.</summary>
internal enum FaultKind
{
    /// <summary>The GGA's checksum is wrong (a flipped bit on the line).</summary>
    BadChecksum,
    /// <summary>A UBX frame (u-blox binary, MON-HW) between two sentences.</summary>
    UbxFrame,
    /// <summary>The VTG is cut short and the next sentence follows at once (bytes lost on the line).</summary>
    Truncated,
    /// <summary>A 300-byte text sentence with a valid checksum, longer than any receiver sends.</summary>
    Overlong,
    /// <summary>A run of 16 NUL bytes between sentences (a port opened mid-stream, a USB hiccup).</summary>
    NulBytes,
    /// <summary>The RMC starts with <c>$$</c>.</summary>
    DoubledDollar,
}

/// <summary>
/// Damages the stream of the faults profile on a fixed schedule, so tests can count each kind:
/// every 5th epoch from epoch 2 (2, 7, 12, ...) carries one fault, the kinds in the order of
/// <see cref="FaultKind"/>, over and over. Random bytes (the UBX payload) come from the seed.
/// </summary>
internal sealed class FaultInjector(ulong seed)
{
    public const int Period = 5;
    public const int FirstEpoch = 2;

    private SplitMix64 _rng = new(seed);

    /// <summary>The fault of epoch <paramref name="index"/>, if any.</summary>
    public static FaultKind? FaultOf(long index) =>
        index >= FirstEpoch && (index - FirstEpoch) % Period == 0 ? (FaultKind)((index - FirstEpoch) / Period % 6) : null;

    public void Write(long index, IReadOnlyList<string> lines, IBufferWriter<byte> output)
    {
        FaultKind? fault = FaultOf(index);
        foreach (string line in lines)
        {
            bool isGga = line.StartsWith("$GNGGA", StringComparison.Ordinal);
            bool isRmc = line.StartsWith("$GNRMC", StringComparison.Ordinal);
            bool isVtg = line.StartsWith("$GNVTG", StringComparison.Ordinal);
            switch (fault)
            {
                case FaultKind.BadChecksum when isGga:
                    // Flip a bit of the first checksum digit: still hex, now wrong.
                    char c = line[^2];
                    char flipped = c == '0' ? '1' : c == '1' ? '0' : c == 'A' ? 'B' : c == 'B' ? 'A' : (char)(c ^ 1);
                    SentenceBuilder.WriteAscii(line[..^2] + flipped + line[^1] + "\r\n", output);
                    continue;
                case FaultKind.DoubledDollar when isRmc:
                    SentenceBuilder.WriteAscii("$" + line + "\r\n", output);
                    continue;
                case FaultKind.Truncated when isVtg:
                    SentenceBuilder.WriteAscii(line[..(line.Length / 2)], output); // no line end: the next '$' cuts it
                    continue;
            }

            SentenceBuilder.WriteAscii(line + "\r\n", output);
            if (isRmc)
            {
                switch (fault)
                {
                    case FaultKind.UbxFrame:
                        WriteUbx(output);
                        break;
                    case FaultKind.NulBytes:
                        output.GetSpan(16)[..16].Clear();
                        output.Advance(16);
                        break;
                    case FaultKind.Overlong:
                        SentenceBuilder.WriteAscii(SentenceBuilder.Line("GNTXT,01,01,02," + new string('X', 280)) + "\r\n", output);
                        break;
                }
            }
        }
    }

    // UBX frame: B5 62, class 0A (MON), id 09 (HW), length 60 little-endian, payload, Fletcher-8
    // checksum over class..payload (u-blox F9P interface description, UBX frame structure). MON-HW
    // (antenna and jamming status) carries no fix, so a decoder that reads UBX, as gpsd does, takes
    // nothing from the random payload that could contradict the NMEA. Class 0x0A is an ASCII line
    // feed: like real binary, the frame holds a line end.
    // Payload bytes avoid '$', '!', CR and LF so the damage is exactly one frame of binary between two
    // lines; a real payload may hold them, which the framer's resync tests cover elsewhere.
    private void WriteUbx(IBufferWriter<byte> output)
    {
        const int Length = 60;
        Span<byte> frame = output.GetSpan(8 + Length)[..(8 + Length)];
        frame[0] = 0xB5;
        frame[1] = 0x62;
        frame[2] = 0x0A;
        frame[3] = 0x09;
        frame[4] = Length;
        frame[5] = 0;
        for (int i = 0; i < Length; i++)
        {
            byte b;
            do
            {
                b = (byte)_rng.NextUInt64();
            }
            while (IsLineByte(b));

            frame[6 + i] = b;
        }

        byte a, k;
        while (true)
        {
            a = 0;
            k = 0;
            for (int i = 2; i < 6 + Length; i++)
            {
                a += frame[i];
                k += a;
            }

            if (!IsLineByte(a) && !IsLineByte(k))
            {
                break;
            }

            frame[5 + Length]++; // nudge the last payload byte until the checksum bytes are not line bytes either
            while (IsLineByte(frame[5 + Length]))
            {
                frame[5 + Length]++;
            }
        }

        frame[6 + Length] = a;
        frame[7 + Length] = k;
        output.Advance(8 + Length);
    }

    private static bool IsLineByte(byte b) => b is (byte)'$' or (byte)'!' or (byte)'\r' or (byte)'\n' or (byte)'#';
}
