using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using BeidouHub.Receiver.Decoding;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Nmea;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Nmea;

public class NmeaFramerTests
{
    // UBX-ACK-ACK acknowledging UBX-CFG-MSG (class 06 id 01): B5 62, class 05 id 01, length 2,
    // payload 06 01, Fletcher checksum 0F 38 (u-blox interface description, UBX checksum).
    private static readonly byte[] UbxAckAck = [0xB5, 0x62, 0x05, 0x01, 0x02, 0x00, 0x06, 0x01, 0x0F, 0x38];

    // RTCM3 message 1005 (reference station ARP), from the pyrtcm README example; CRC-24Q D7 F7 5A
    // checked by hand against the polynomial 0x1864CFB.
    private static readonly byte[] Rtcm1005 =
    [
        0xD3, 0x00, 0x13, 0x3E, 0xD0, 0x00, 0x03, 0x8A, 0x58, 0xD9, 0x49, 0x3C, 0x87, 0x2F,
        0x34, 0x10, 0x9D, 0x07, 0xD6, 0xAF, 0x48, 0x20, 0x5A, 0xD7, 0xF7,
    ];

    public static TheoryData<string, string> SentencesAndLineEnds()
    {
        var data = new TheoryData<string, string>();
        foreach (string lineEnd in new[] { "\r\n", "\n", "\r" })
        {
            data.Add(ExampleLines.F9rGga, lineEnd);
            data.Add(ExampleLines.QuectelPqGsv, lineEnd);
            data.Add(ExampleLines.L76kTxt, lineEnd);
            data.Add(ExampleLines.ClassicAivdm, lineEnd);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SentencesAndLineEnds))]
    public void TryReadSentence_EveryPrefixThenLineEnd_FalseAndNothingConsumedUntilLineEnd(string sentence, string lineEnd)
    {
        var framer = new NmeaFramer();
        byte[] bytes = TestNmea.Bytes(sentence);
        for (int n = 0; n < bytes.Length; n++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, n);
            SequencePosition start = buffer.Start;

            bool got = framer.TryReadSentence(ref buffer, out _);

            Assert.False(got, $"prefix of {n} bytes");
            Assert.Equal(n, buffer.Length);
            Assert.Equal(start, buffer.Start);
        }

        var complete = new ReadOnlySequence<byte>(TestNmea.Bytes(sentence + lineEnd));
        Assert.True(framer.TryReadSentence(ref complete, out ReadOnlySpan<byte> line));
        Assert.Equal(sentence, TestNmea.Text(line));
        Assert.Equal(0, framer.Counters.DroppedSentences);
        Assert.Equal(0, framer.Counters.GarbageBytes);
    }

    [Fact]
    public void TryReadSentence_MixedLineEnds_ReturnsEverySentence()
    {
        string data = ExampleLines.F9rRmc + "\r" + ExampleLines.F9rGga + "\n" + ExampleLines.F9rGsa + "\r\n" + ExampleLines.F9rGsvB2I + "\n\r" + ExampleLines.F9rGst + "\r\r";

        List<string> got = TestNmea.ReadAll(new NmeaFramer(), TestNmea.Bytes(data));

        Assert.Equal([ExampleLines.F9rRmc, ExampleLines.F9rGga, ExampleLines.F9rGsa, ExampleLines.F9rGsvB2I, ExampleLines.F9rGst], got);
    }

    [Fact]
    public void TryReadSentence_UbxRtcmAndNulBetweenSentences_SentencesIntactAndEveryBinaryByteCounted()
    {
        byte[] data =
        [
            .. TestNmea.Bytes(ExampleLines.F9rRmc + "\r\n"),
            .. UbxAckAck,
            .. Rtcm1005,
            0, 0, 0,
            .. TestNmea.Bytes(ExampleLines.F9rGga + "\r\n"),
            .. Rtcm1005,
            .. TestNmea.Bytes(ExampleLines.F9rGsa + "\r\n"),
        ];
        var framer = new NmeaFramer();

        List<string> got = TestNmea.ReadAll(framer, data);

        Assert.Equal([ExampleLines.F9rRmc, ExampleLines.F9rGga, ExampleLines.F9rGsa], got);
        Assert.Equal(UbxAckAck.Length + (2 * Rtcm1005.Length) + 3, framer.Counters.GarbageBytes);
        Assert.Equal(0, framer.Counters.DroppedSentences);
    }

    [Fact]
    public void TryReadSentence_UbxPayloadWithDollarAndText_NeighbourSentencesIntact()
    {
        // UBX-INF-NOTICE (class 04 id 02) carries printable text; this one holds '$' like a
        // sentence start, so the framer sees a candidate that is not a sentence.
        byte[] inf = Ubx(0x04, 0x02, TestNmea.Bytes("ANT $PUBX,41 OK"));
        // UBX-NAV-POSLLH (class 01 id 02, 28 bytes) whose binary fields contain 0x24 and printable runs.
        byte[] posllh = Ubx(0x01, 0x02, [0x24, 0x47, 0x50, 0x47, 0x47, 0x41, 0x2C, 0x01, 0x24, 0x24, 0x30, 0x31, 0x9C, 0xFF, 0xFF, 0xFF,
            0x24, 0x21, 0x2A, 0x41, 0x42, 0x00, 0x00, 0x00, 0x10, 0x27, 0x00, 0x00]);
        byte[] data =
        [
            .. TestNmea.Bytes(ExampleLines.RtkGga + "\r\n"),
            .. inf,
            .. TestNmea.Bytes(ExampleLines.RtkRmc + "\r\n"),
            .. posllh,
            .. TestNmea.Bytes(ExampleLines.GoNmeaGnsRr + "\r\n"),
        ];
        var framer = new NmeaFramer();

        List<string> got = TestNmea.ReadAll(framer, data);

        Assert.Equal([ExampleLines.RtkGga, ExampleLines.RtkRmc, ExampleLines.GoNmeaGnsRr], got);
        Assert.True(framer.Counters.DroppedSentences >= 2, "each frame's '$' candidate is a dropped sentence");
        Assert.True(framer.Counters.GarbageBytes > 0);
    }

    [Fact]
    public void TryReadSentence_BinaryFrameWithLineFeedHash_NextSentenceIntact()
    {
        // UBX-NAV-CLOCK (class 01 id 22, 20 bytes): iTOW 0x1B5D230A = 459088650 ms (Thursday of a
        // GPS week), little-endian, so its first two bytes are LF and '#'.
        byte[] clock = Ubx(0x01, 0x22, [0x0A, 0x23, 0x5D, 0x1B, 0x10, 0x27, 0x00, 0x00, 0xF6, 0xFF, 0xFF, 0xFF, 0x05, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00]);
        byte[] data = [.. TestNmea.Bytes(ExampleLines.F9rRmc + "\r\n"), .. clock, .. TestNmea.Bytes(ExampleLines.F9rGga + "\r\n")];
        var framer = new NmeaFramer();

        List<string> got = TestNmea.ReadAll(framer, data);

        Assert.Equal([ExampleLines.F9rRmc, ExampleLines.F9rGga], got);
        Assert.Equal(0, framer.Counters.CommentLines);
        Assert.Equal(clock.Length - 1, framer.Counters.GarbageBytes); // all but the LF (a line end), the '#' included
    }

    [Fact]
    public void TryReadSentence_InvalidByteInsideSentence_DropsItAndKeepsTheNext()
    {
        byte[] data = [.. TestNmea.Bytes("$GPGGA,12"), 0x00, .. TestNmea.Bytes("3519,4807.038,N\r\n" + ExampleLines.F9rGga + "\r\n")];
        var framer = new NmeaFramer();

        List<string> got = TestNmea.ReadAll(framer, data);

        Assert.Equal([ExampleLines.F9rGga], got);
        Assert.Equal(1, framer.Counters.InvalidBytes);
        Assert.Equal(1 + "3519,4807.038,N".Length, framer.Counters.GarbageBytes); // the NUL and what follows it up to the line end
    }

    [Fact]
    public void TryReadSentence_DoubledStart_ReturnsSentenceAndCountsDoubledStart()
    {
        var framer = new NmeaFramer();

        List<string> got = TestNmea.ReadAll(framer, TestNmea.Bytes("$" + ExampleLines.F9rGga + "\r\n"));

        Assert.Equal([ExampleLines.F9rGga], got);
        Assert.Equal(1, framer.Counters.DoubledStarts);
        Assert.Equal(0, framer.Counters.Truncated);
    }

    [Fact]
    public void TryReadSentence_DollarThenBang_CountsTruncatedNotDoubled()
    {
        // "$!" is not a doubled start: the '$' sentence is cut short (empty) by the '!' one.
        var framer = new NmeaFramer();

        List<string> got = TestNmea.ReadAll(framer, TestNmea.Bytes("$" + ExampleLines.ClassicAivdm + "\r\n"));

        Assert.Equal([ExampleLines.ClassicAivdm], got);
        Assert.Equal(1, framer.Counters.Truncated);
        Assert.Equal(0, framer.Counters.DoubledStarts);
    }

    [Fact]
    public void TryReadSentence_Triton400Collision_ReturnsSecondSentenceAndCountsTruncated()
    {
        var framer = new NmeaFramer();

        List<string> got = TestNmea.ReadAll(framer, TestNmea.Bytes(ExampleLines.Triton400Collision + "\r\n" + ExampleLines.ClassicGll + "\r\n"));

        Assert.Equal(["$GPGLL,2638.1728,N,08011.3893,W,030131.000,A,A*41", ExampleLines.ClassicGll], got);
        Assert.Equal(1, framer.Counters.Truncated);
        Assert.Equal(0, framer.Counters.DoubledStarts);
    }

    [Fact]
    public void TryReadSentence_LineOverConfiguredCap_DroppedCountedAndNextSurvives()
    {
        string longTxt = TestNmea.WithChecksum("GPTXT,01,01,02," + new string('X', 70)); // 89 bytes
        var framer = new NmeaFramer(64);

        List<string> got = TestNmea.ReadAll(framer, TestNmea.Bytes(longTxt + "\r\n" + ExampleLines.L76kTxt + "\r\n"));

        Assert.Equal(64, framer.MaxSentenceLength);
        Assert.Equal([ExampleLines.L76kTxt], got);
        Assert.Equal(1, framer.Counters.Overlong);
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(256, true)]
    [InlineData(257, false)]
    [InlineData(400, false)]
    public void TryReadSentence_LengthAgainstDefaultCap_PassesUpTo256(int length, bool passes)
    {
        string sentence = SentenceOfLength(length);
        var framer = new NmeaFramer();

        List<string> got = TestNmea.ReadAll(framer, TestNmea.Bytes(sentence + "\r\n" + ExampleLines.L76kZda + "\r\n"));

        Assert.Equal(NmeaFramer.DefaultMaxSentenceLength, framer.MaxSentenceLength);
        Assert.Equal(passes ? [sentence, ExampleLines.L76kZda] : [ExampleLines.L76kZda], got);
        Assert.Equal(passes ? 0 : 1, framer.Counters.Overlong);
    }

    [Fact]
    public void TryReadSentence_SentenceOf200Bytes_ParsesWithChecksum()
    {
        string sentence = SentenceOfLength(200);
        List<string> got = TestNmea.ReadAll(new NmeaFramer(), TestNmea.Bytes(sentence + "\r\n"));

        Assert.Equal(200, Assert.Single(got).Length);
        Assert.True(NmeaSentence.TryParse(TestNmea.Bytes(got[0]), out NmeaSentence s, out _));
        Assert.Equal(SentenceType.Txt, s.Type);
    }

    [Fact]
    public void Reset_InsideOverlongLine_NextBytesStartALine()
    {
        // A reconnect mid-line: what comes after it is a fresh stream, not the old line's tail.
        var framer = new NmeaFramer(64);
        Assert.Empty(TestNmea.ReadAll(framer, TestNmea.Bytes("$GPTXT,01,01,02," + new string('X', 70))));
        Assert.Equal(1, framer.Counters.Overlong);

        framer.Reset();
        List<string> got = TestNmea.ReadAll(framer, TestNmea.Bytes("# reconnected\r\n" + ExampleLines.L76kTxt + "\r\n"));

        Assert.Equal([ExampleLines.L76kTxt], got);
        Assert.Equal(1, framer.Counters.CommentLines);
    }

    [Fact]
    public void TryReadSentence_CommentLines_SkippedEvenWithSentenceInsideAndCounted()
    {
        string data =
            "# Name: GPS-320FW\r\n" +
            ExampleLines.Gp320fwCommentLine + "\n" +
            "#BESTPOSA,COM1,0,55.0,FINESTEERING,1419,340033.000,02000040,d821,2724;SOL_COMPUTED,SINGLE*e3a4f31d\r\n" +
            ExampleLines.L76kGsa + "\r\n" +
            "# trailing note $GPGGA,1\r\n" +
            ExampleLines.L76kZda + "\r\n";
        var framer = new NmeaFramer();

        List<string> got = TestNmea.ReadAll(framer, TestNmea.Bytes(data));

        Assert.Equal([ExampleLines.L76kGsa, ExampleLines.L76kZda], got);
        Assert.Equal(4, framer.Counters.CommentLines);
        Assert.Equal(0, framer.Counters.DroppedSentences);
    }

    [Fact]
    public void TryReadSentence_HashNotAtLineStart_IsGarbageNotComment()
    {
        var framer = new NmeaFramer();

        List<string> got = TestNmea.ReadAll(framer, TestNmea.Bytes("ab#cd" + ExampleLines.L76kGsa + "\r\n"));

        Assert.Equal([ExampleLines.L76kGsa], got);
        Assert.Equal(0, framer.Counters.CommentLines);
        Assert.Equal(5, framer.Counters.GarbageBytes);
    }

    [Fact]
    public void TryReadSentence_SentenceStraddlingTwoSegments_SameSentencesAtEveryCut()
    {
        byte[] data = TestNmea.Bytes("xy" + ExampleLines.F9rGga + "\r\n" + ExampleLines.TrigBdGsa + "\n");
        for (int cut = 1; cut < data.Length; cut++)
        {
            var framer = new NmeaFramer();
            ReadOnlySequence<byte> buffer = TestSegment.Split(data, cut);

            List<string> got = TestNmea.WithinSeconds(10, () => TestNmea.ReadAll(framer, ref buffer));

            Assert.Equal([ExampleLines.F9rGga, ExampleLines.TrigBdGsa], got);
            Assert.Equal(2, framer.Counters.GarbageBytes);
            Assert.True(buffer.IsEmpty, $"cut at {cut}: {buffer.Length} bytes left");
        }
    }

    [Fact]
    public void TryReadSentence_SentenceStraddlingThreeSegments_SameSentencesAtEveryCutPair()
    {
        byte[] data = TestNmea.Bytes(ExampleLines.QuectelPqGsv + "\r\n" + ExampleLines.L76kTxt + "\r\n");
        for (int a = 1; a < data.Length - 1; a += 3)
        {
            for (int b = a + 1; b < data.Length; b += 2)
            {
                var framer = new NmeaFramer();
                ReadOnlySequence<byte> buffer = TestSegment.Split(data, a, b);

                List<string> got = TestNmea.WithinSeconds(10, () => TestNmea.ReadAll(framer, ref buffer));

                Assert.Equal([ExampleLines.QuectelPqGsv, ExampleLines.L76kTxt], got);
            }
        }
    }

    [Fact]
    public void TryReadSentence_SegmentsOfOneByte_SameSentences()
    {
        byte[] data = TestNmea.Bytes(ExampleLines.F9rGsvB2I + "\r\n" + ExampleLines.F9rGst + "\r\n");
        ReadOnlySequence<byte> buffer = TestSegment.Sequence([.. data.Select(b => new[] { b })]);
        var framer = new NmeaFramer();

        List<string> got = TestNmea.WithinSeconds(10, () => TestNmea.ReadAll(framer, ref buffer));

        Assert.Equal([ExampleLines.F9rGsvB2I, ExampleLines.F9rGst], got);
    }

    [Fact]
    public void TryReadSentence_EmptySegmentInTheMiddle_SameSentences()
    {
        byte[] gga = TestNmea.Bytes(ExampleLines.F9rGga + "\r\n");
        ReadOnlySequence<byte> buffer = TestSegment.Sequence(gga[..20], [], gga[20..], [], TestNmea.Bytes(ExampleLines.F9rZda + "\r\n"));
        var framer = new NmeaFramer();

        List<string> got = TestNmea.WithinSeconds(10, () => TestNmea.ReadAll(framer, ref buffer));

        Assert.Equal([ExampleLines.F9rGga, ExampleLines.F9rZda], got);
    }

    [Fact]
    public void TryReadSentence_EmptyFirstSegment_ReturnsSentence()
    {
        ReadOnlySequence<byte> buffer = TestSegment.Sequence([], TestNmea.Bytes(ExampleLines.F9rGga + "\r\n"));
        var framer = new NmeaFramer();

        List<string> got = TestNmea.WithinSeconds(5, () => TestNmea.ReadAll(framer, ref buffer));

        Assert.Equal([ExampleLines.F9rGga], got);
    }

    [Fact]
    public void TryReadSentence_LastSentenceWithoutLineEnd_ReturnedOnlyOnFinalBlock()
    {
        byte[] data = TestNmea.Bytes(ExampleLines.F9rRmc + "\r\n" + ExampleLines.F9rGga);
        var framer = new NmeaFramer();
        var buffer = new ReadOnlySequence<byte>(data);

        List<string> notFinal = TestNmea.ReadAll(framer, ref buffer, isFinalBlock: false);

        Assert.Equal([ExampleLines.F9rRmc], notFinal);
        Assert.Equal(ExampleLines.F9rGga.Length, buffer.Length);
        Assert.Equal(0, framer.Counters.Unterminated);

        List<string> final = TestNmea.ReadAll(framer, ref buffer, isFinalBlock: true);

        Assert.Equal([ExampleLines.F9rGga], final);
        Assert.True(buffer.IsEmpty);
        Assert.Equal(1, framer.Counters.Unterminated);
    }

    [Fact]
    public void TryReadSentence_UnterminatedSentenceAcrossSegmentsOnFinalBlock_Returned()
    {
        byte[] gga = TestNmea.Bytes(ExampleLines.F9rGga);
        ReadOnlySequence<byte> buffer = TestSegment.Split(gga, 30);
        var framer = new NmeaFramer();

        List<string> got = TestNmea.WithinSeconds(10, () => TestNmea.ReadAll(framer, ref buffer, isFinalBlock: true));

        Assert.Equal([ExampleLines.F9rGga], got);
        Assert.Equal(1, framer.Counters.Unterminated);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task TryReadSentence_PipeInRandomChunks_SameSentencesAsOneBlock(int seed)
    {
        byte[] stream = RealisticStream();
        List<string> expected = TestNmea.ReadAll(new NmeaFramer(), stream, isFinalBlock: true);

        var pipe = new Pipe();
        Task writer = WriteInChunksAsync(pipe.Writer, stream, new Random(seed));
        var framer = new NmeaFramer();
        var got = new List<string>();
        while (true)
        {
            ReadResult result = await pipe.Reader.ReadAsync();
            ReadOnlySequence<byte> buffer = result.Buffer;
            while (framer.TryReadSentence(ref buffer, out ReadOnlySpan<byte> line, result.IsCompleted))
            {
                got.Add(TestNmea.Text(line));
            }

            pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        await writer;
        await pipe.Reader.CompleteAsync();

        Assert.True(expected.Count > 300, "the stream is realistic, not empty");
        Assert.Equal(expected, got);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public async Task RunAsync_PipeInRandomChunks_SameEpochsAsOneBlock(int seed)
    {
        byte[] stream = RealisticStream();
        var oneBlockSink = new RecordingSink();
        var oneBlock = new NmeaDecoder("r", oneBlockSink);
        var buffer = new ReadOnlySequence<byte>(stream);
        oneBlock.Decode(ref buffer, isFinalBlock: true);

        var pipe = new Pipe();
        Task writer = WriteInChunksAsync(pipe.Writer, stream, new Random(seed));
        var chunkedSink = new RecordingSink();
        var chunked = new NmeaDecoder("r", chunkedSink);
        await chunked.RunAsync(pipe.Reader);
        await writer;

        Assert.True(oneBlockSink.Epochs.Count > 20);
        Assert.Contains(oneBlockSink.Epochs, e => e.Contains("lat=45.065772", StringComparison.Ordinal));
        Assert.Equal(oneBlockSink.Epochs, chunkedSink.Epochs);
        Assert.Equal(oneBlock.Statistics.Sentences, chunked.Statistics.Sentences);
        Assert.Equal(stream.Length, chunked.Statistics.Bytes);
        Assert.Equal(oneBlock.Framer.Counters.GarbageBytes, chunked.Framer.Counters.GarbageBytes);
        Assert.Equal(oneBlock.Framer.Counters.CommentLines, chunked.Framer.Counters.CommentLines);
        Assert.Equal(oneBlock.Framer.Counters.DroppedSentences, chunked.Framer.Counters.DroppedSentences);
    }

    // A capture as a receiver would send it: the corpus lines in order, binary frames and
    // noise between some, a comment header, mixed line ends; repeated with the time moving on.
    private static byte[] RealisticStream()
    {
        var bytes = new List<byte>();
        bytes.AddRange(TestNmea.Bytes("# Name: mixed capture\r\n# Chipset: test\r\n"));
        string[] epoch = [ExampleLines.F9rRmc, ExampleLines.F9rGga, ExampleLines.F9rGsa, ExampleLines.F9rGsvB2I, ExampleLines.Um621GsvB1I, ExampleLines.F9rGst, ExampleLines.F9rZda, ExampleLines.F9rGbs];
        for (int rep = 0; rep < 40; rep++)
        {
            string time = $"2314{rep + 10:D2}.00";
            for (int i = 0; i < epoch.Length; i++)
            {
                string line = epoch[i].Contains("231408.00", StringComparison.Ordinal)
                    ? TestNmea.WithChecksum(epoch[i][1..epoch[i].IndexOf('*', StringComparison.Ordinal)].Replace("231408.00", time, StringComparison.Ordinal))
                    : epoch[i];
                bytes.AddRange(TestNmea.Bytes(line + (i % 3 == 0 ? "\n" : "\r\n")));
                if (i == 2)
                {
                    bytes.AddRange(UbxAckAck);
                }

                if (i == 5 && rep % 4 == 0)
                {
                    bytes.AddRange(Rtcm1005);
                    bytes.AddRange(new byte[] { 0, 0, 0xFF, 0x7F });
                }
            }

            foreach (string line in ExampleLines.All.Where(l => rep % 10 == 0))
            {
                bytes.AddRange(TestNmea.Bytes(line + "\r\n"));
            }
        }

        return [.. bytes];
    }

    private static async Task WriteInChunksAsync(PipeWriter writer, byte[] data, Random random)
    {
        int at = 0;
        while (at < data.Length)
        {
            int n = Math.Min(random.Next(1, 4097), data.Length - at);
            if (random.Next(4) == 0)
            {
                n = Math.Min(random.Next(1, 16), data.Length - at);
            }

            await writer.WriteAsync(data.AsMemory(at, n));
            at += n;
        }

        await writer.CompleteAsync();
    }

    private static byte[] Ubx(byte cls, byte id, byte[] payload)
    {
        byte[] frame = [0xB5, 0x62, cls, id, (byte)payload.Length, (byte)(payload.Length >> 8), .. payload, 0, 0];
        byte a = 0, b = 0;
        for (int i = 2; i < frame.Length - 2; i++)
        {
            a += frame[i];
            b += a;
        }

        frame[^2] = a;
        frame[^1] = b;
        return frame;
    }

    private static string SentenceOfLength(int length)
    {
        // "$GPTXT,01,01,02," (16) + text + "*hh" (3)
        return TestNmea.WithChecksum("GPTXT,01,01,02," + new string('A', length - 19));
    }

    private sealed class RecordingSink : IEpochSink
    {
        public List<string> Epochs { get; } = [];

        public List<string> Positions { get; } = [];

        public void OnPosition(Epoch epoch) => Positions.Add(Describe(epoch));

        public void OnEpoch(Epoch epoch) => Epochs.Add(Describe(epoch.Clone()));

        private static string Describe(Epoch e)
        {
            var sb = new StringBuilder();
            sb.Append(FormattableString.Invariant($"#{e.Sequence} t={e.TimeOfDayMs} d={e.Date} lat={e.Latitude:F6} lon={e.Longitude:F6} q={e.Quality} m={e.Mode} rtk={e.Rtk} n={e.SentenceCount} used={e.UsedCount}"));
            foreach (SkySatellite s in e.Satellites)
            {
                sb.Append(FormattableString.Invariant($" {s.Id.Constellation}{s.Id.Svid}/{s.Signal}/{s.Elevation}/{s.Azimuth}/{s.Cn0}/{s.Used}"));
            }

            return sb.ToString();
        }
    }
}
