using System.Buffers;
using System.Text;
using BeidouHub.Receiver.Decoding;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Nmea;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Nmea;

/// <summary>
/// The decoder frames and parses the common line (<c>$...*hh</c> + line end) in one pass
/// (<see cref="NmeaSentence.TryParseLine"/>) and leaves everything else to the framer. These
/// tests hold it to the general path, the framer's <see cref="NmeaFramer.TryReadSentence"/>
/// then <see cref="NmeaSentence.TryParse"/>, on damaged streams: the same epochs, statistics
/// and framing counters, whatever the segmentation.
/// </summary>
public class OnePassFramingTests
{
    private const int MaxLength = 90;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Decode_DamagedStreamInRandomSegments_SameAsFramerThenParse(int seed)
    {
        var random = new Random(seed);
        byte[] data = DamagedStream(random, lines: 20_000);

        (Reference expected, List<string> expectedEpochs) = DecodeGeneralPath(data);
        var sink = new RecordingSink();
        var decoder = new NmeaDecoder("r", sink, new NmeaDecoderOptions { MaxSentenceLength = MaxLength });
        byte[] carried = [];
        for (int at = 0; at < data.Length;)
        {
            int length = Math.Min(data.Length - at, random.Next(1, 600));
            ReadOnlySequence<byte> buffer = AsReaderHandsItOut([.. carried, .. data.AsSpan(at, length)], random);
            at += length;
            decoder.Decode(ref buffer, isFinalBlock: false);
            carried = buffer.ToArray();
        }

        var last = new ReadOnlySequence<byte>(carried);
        decoder.Decode(ref last, isFinalBlock: true);

        Assert.Equal(expected.Describe(), Describe(decoder));
        Assert.Equal(expectedEpochs, EpochText.Of(sink.Epochs));

        // The stream must have held what the framer alone deals with, and lines for the one pass.
        FramingCounters f = decoder.Framer.Counters;
        Assert.True(decoder.Statistics.Sentences > 10_000, $"sentences {decoder.Statistics.Sentences}");
        Assert.True(f.GarbageBytes > 0 && f.CommentLines > 0 && f.Truncated > 0 && f.DoubledStarts > 0, Describe(decoder));
        Assert.True(f.InvalidBytes > 0 && f.Overlong > 0, Describe(decoder));
        Assert.True(decoder.Statistics.ChecksumFailures > 0 && decoder.Statistics.WithoutChecksum > 0, Describe(decoder));
        Assert.True(decoder.Statistics.Rejected(NmeaError.BadChecksumFormat) > 0, Describe(decoder));
        Assert.True(sink.Epochs.Count > 500, $"epochs {sink.Epochs.Count}");
    }

    [Theory]
    [InlineData("$GPZDA,082356.00,27,11,2026,00,00*6F\r\n", 38)]
    [InlineData("$GPZDA,082356.00,27,11,2026,00,00*6F\n$", 37)]
    [InlineData("$GPZDA,082356.00,27,11,2026,00,00*6F\r", 37)]
    [InlineData("!GPZDA,082356.00,27,11,2026,00,00*6F\r\n", 38)]
    public void TryParseLineInBlock_WellFormedLine_TakesItAndItsLineEnd(string text, int consumed)
    {
        var framer = new NmeaFramer();
        byte[] block = Encoding.ASCII.GetBytes(text);

        Assert.True(framer.TryParseLineInBlock(block, out int taken, out NmeaSentence sentence, out NmeaError error));

        Assert.Equal(consumed, taken);
        Assert.Equal(NmeaError.None, error);
        Assert.Equal(6, sentence.FieldCount);
        Assert.Equal("00", Encoding.ASCII.GetString(sentence.Field(6)));
        Assert.Equal(text[0] == '!', sentence.IsEncapsulated);
    }

    [Theory]
    [InlineData("$GPZDA,082356.00,27,11,2026,00,00\r\n")] // no checksum
    [InlineData("$GPZDA,082356.00,27,11,2026,00,00*6F")] // the line end has not come yet
    [InlineData("$GPZDA,082356.00,27,11,2026,00,00*6F \r\n")] // a space before the line end
    [InlineData("$GPZDA,082356.00,27,11,2026,00,00*6\r\n")] // one hex digit
    [InlineData("$GPZDA,082356.00,27,11,2026,00,00*6F7\r\n")] // three
    [InlineData("$GPZDA,082356.00,27,11,2026,00\r\n$GPZDA,082356.00,27,11,2026,00,00*6F\r\n")] // cut, then a whole line
    [InlineData("$GPZDA,082356.00,27,11,2026,00$GPZDA,082356.00,27,11,2026,00,00*6F\r\n")] // truncated by a start
    [InlineData("$GPZDA,08\u00b5\u0062356.00,27,11,2026,00,00*6F\r\n")] // binary inside
    [InlineData("#GPZDA,082356.00,27,11,2026,00,00*6F\r\n")] // a comment
    [InlineData("xx$GPZDA,082356.00,27,11,2026,00,00*6F\r\n")] // garbage first
    public void TryParseLineInBlock_AnythingElse_LeavesItToTheFramer(string text)
    {
        var framer = new NmeaFramer();
        byte[] block = Encoding.Latin1.GetBytes(text);

        Assert.False(framer.TryParseLineInBlock(block, out int taken, out _, out _));

        Assert.Equal(0, taken);
    }

    [Fact]
    public void TryParseLineInBlock_LineLongerThanTheCap_LeavesItToTheFramer()
    {
        string line = "$GPZDA,082356.00,27,11,2026,00,00*6F\r\n";
        var atCap = new NmeaFramer(maxSentenceLength: 36);
        var belowCap = new NmeaFramer(maxSentenceLength: 35);

        Assert.True(atCap.TryParseLineInBlock(Encoding.ASCII.GetBytes(line), out _, out _, out _));
        Assert.False(belowCap.TryParseLineInBlock(Encoding.ASCII.GetBytes(line), out _, out _, out _));
    }

    [Fact]
    public void TryParseLineInBlock_LineEndsFirst_SkipsThemAsTheFramerDoes()
    {
        var framer = new NmeaFramer();
        byte[] block = "\r\n\n#comment\r\n"u8.ToArray();

        Assert.False(framer.TryParseLineInBlock(block, out int taken, out _, out _));
        Assert.Equal(3, taken);

        // The line ends put the framer at a line start: the '#' line is a comment, not garbage.
        var rest = new ReadOnlySequence<byte>(block, taken, block.Length - taken);
        Assert.False(framer.TryReadSentence(ref rest, out _, isFinalBlock: true));
        Assert.Equal(1, framer.Counters.CommentLines);
        Assert.Equal(0, framer.Counters.GarbageBytes);
    }

    private static string Describe(NmeaDecoder d) => Describe(d.Statistics, d.Framer.Counters, d.Assembler);

    private static string Describe(NmeaStatistics s, FramingCounters f, EpochAssembler a)
    {
        var sb = new StringBuilder();
        sb.Append($"sentences {s.Sentences} without checksum {s.WithoutChecksum};");
        foreach (SentenceType t in Enum.GetValues<SentenceType>())
        {
            sb.Append($" {t} {s.OfType(t)}");
        }

        foreach (Talker t in Enum.GetValues<Talker>())
        {
            sb.Append($" {t} {s.OfTalker(t)}");
        }

        foreach (NmeaError e in Enum.GetValues<NmeaError>())
        {
            sb.Append($" {e} {s.Rejected(e)}");
        }

        sb.Append($"; garbage {f.GarbageBytes} comments {f.CommentLines} truncated {f.Truncated} doubled {f.DoubledStarts}");
        sb.Append($" invalid {f.InvalidBytes} overlong {f.Overlong} unterminated {f.Unterminated}");
        sb.Append($"; emitted {a.Emitted} late {a.LateSentences} resets {a.CycleResets} bad {a.BadSentences}");
        return sb.ToString();
    }

    // The general path, as the decoder ran before the one pass: the framer cuts, TryParse parses.
    private static (Reference Counts, List<string> Epochs) DecodeGeneralPath(byte[] data)
    {
        var sink = new RecordingSink();
        var reference = new Reference(new NmeaFramer(MaxLength), new EpochAssembler("r", sink));
        var buffer = new ReadOnlySequence<byte>(data);
        while (reference.Framer.TryReadSentence(ref buffer, out ReadOnlySpan<byte> line, isFinalBlock: true))
        {
            if (!NmeaSentence.TryParse(line, out NmeaSentence sentence, out NmeaError error))
            {
                reference.Statistics.CountError(error);
                continue;
            }

            reference.Statistics.CountSentence(sentence);
            if (!reference.Assembler.Add(sentence))
            {
                reference.Statistics.CountError(NmeaError.BadField);
            }
        }

        reference.Assembler.Flush();
        return (reference, EpochText.Of(sink.Epochs));
    }

    // The seeds' lines, each damaged now and then the ways real lines are, with every kind of line end.
    private static byte[] DamagedStream(Random random, int lines)
    {
        string root = Corpus.RepositoryRoot ?? throw new InvalidOperationException("BeidouHub.sln not found above the test binaries");
        string[] source =
        [
            .. File.ReadAllLines(Path.Combine(root, "seeds", "park-vehicle-rtk-10hz.nmea")).Take(4000),
            .. File.ReadAllLines(Path.Combine(root, "seeds", "park-faults.nmea")),
        ];
        var output = new List<byte>(lines * 80);
        int at = 0;
        for (int n = 0; n < lines; n++)
        {
            string line = source[at];
            at = (at + 1) % source.Length;
            byte[] bytes = Encoding.ASCII.GetBytes(line);
            switch (random.Next(40))
            {
                case 0:
                    bytes = bytes[..random.Next(1, bytes.Length)]; // cut
                    break;
                case 1:
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(7)); // a flipped bit
                    break;
                case 2:
                    bytes = [(byte)'$', .. bytes]; // $$
                    break;
                case 3:
                    bytes = [.. bytes, 0xB5, 0x62, 0x01, (byte)'\n', (byte)'#', 0x00]; // binary after it
                    break;
                case 4:
                    bytes = Encoding.ASCII.GetBytes("# capture header " + n); // a comment line
                    break;
                case 5:
                    bytes = [.. bytes, (byte)' ']; // a space before the line end
                    break;
                case 6 when line.Contains('*', StringComparison.Ordinal):
                    bytes = Encoding.ASCII.GetBytes(line[..line.IndexOf('*', StringComparison.Ordinal)]); // no checksum
                    break;
                case 7 when line.Contains('*', StringComparison.Ordinal):
                    bytes = Encoding.ASCII.GetBytes(line.ToLowerInvariant()[..3] + line[3..^2] + line[^2..].ToLowerInvariant()); // lower-case hex
                    break;
                case 8:
                    bytes = [.. bytes, (byte)'7']; // three checksum digits
                    break;
                case 9:
                    bytes = [.. bytes[..^1], (byte)'G']; // a checksum digit that is no hex digit
                    break;
                case 10:
                    bytes = [.. Encoding.ASCII.GetBytes("$GPTXT,01,01,02," + new string('x', random.Next(40, 90))), .. "*00"u8]; // near the cap
                    break;
            }

            output.AddRange(bytes);
            output.AddRange(random.Next(10) switch
            {
                0 => "\n"u8.ToArray(),
                1 => "\r"u8.ToArray(),
                2 => "\r\n\r\n"u8.ToArray(),
                3 => ""u8.ToArray(),
                _ => "\r\n"u8.ToArray(),
            });
        }

        return [.. output];
    }

    // A block as a pipe reader hands it out: one segment, or now and then two.
    private static ReadOnlySequence<byte> AsReaderHandsItOut(byte[] block, Random random)
    {
        if (block.Length < 2 || random.Next(3) != 0)
        {
            return new ReadOnlySequence<byte>(block);
        }

        return TestSegment.Split(block, random.Next(1, block.Length));
    }

    private sealed record Reference(NmeaFramer Framer, EpochAssembler Assembler)
    {
        public NmeaStatistics Statistics { get; } = new();

        public string Describe() => OnePassFramingTests.Describe(Statistics, Framer.Counters, Assembler);
    }
}
