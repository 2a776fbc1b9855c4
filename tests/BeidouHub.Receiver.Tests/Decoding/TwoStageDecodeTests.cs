using System.Buffers;
using System.Globalization;
using System.Reflection;
using System.Text;
using BeidouHub.Receiver.Decoding;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Nmea;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Decoding;

/// <summary>
/// <see cref="NmeaDecoder.RunInTwoStages"/> (framing and parsing on a thread of their own, what
/// `decode` of a file runs) against the one-thread path over the same bytes in the same blocks:
/// the same epochs, field by field, and the same counters, on every capture of the corpus (binary
/// interleaved and all), the seeds, and a log made of every kind of bad line.
/// </summary>
public class TwoStageDecodeTests
{
    public static TheoryData<string, int> Inputs()
    {
        var data = new TheoryData<string, int>();
        foreach (string input in new[] { "hostile", "seeds/park-faults.nmea", "seeds/park-vehicle-rtk-10hz.nmea", "seeds/park-gate-outage.nmea", "seeds/park-handheld-bd-walk.nmea" })
        {
            // 37 bytes: shorter than most sentences, so nearly every one is carried to the next
            // block, and the block grows under a long line; 4 KiB; the verb's 1 MiB.
            foreach (int block in new[] { 37, 4096, 1 << 20 })
            {
                data.Add(input, block);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void RunInTwoStages_SameEpochsAndCountersAsOneThread(string input, int blockSize)
    {
        byte[] bytes = Bytes(input);
        AssertSame(bytes, blockSize);
    }

    [SkippableTheory]
    [MemberData(nameof(GpsdVerdict.Captures), MemberType = typeof(GpsdVerdict))]
    public void RunInTwoStages_CorpusCapture_SameEpochsAndCountersAsOneThread(string capture)
    {
        string? dir = Corpus.GpsdDirectory;
        Skip.If(dir is null, Corpus.Absent);
        byte[] bytes = File.ReadAllBytes(Path.Combine(dir!, capture + ".log"));
        AssertSame(bytes, 37);
        AssertSame(bytes, 1 << 20);
    }

    [Fact]
    public void RunInTwoStages_BytesReadTap_SeesEveryByteOnceInOrder()
    {
        byte[] bytes = Bytes("hostile");
        var decoder = new NmeaDecoder("tap", new RecordingSink());
        var seen = new MemoryStream();
        decoder.BytesRead = block =>
        {
            foreach (ReadOnlyMemory<byte> segment in block)
            {
                seen.Write(segment.Span);
            }
        };

        decoder.RunInTwoStages(new MemoryStream(bytes), 37);

        Assert.Equal(bytes, seen.ToArray());
        Assert.Equal(bytes.Length, decoder.Statistics.Bytes);
    }

    [Fact]
    public void RunInTwoStages_ReadFailsMidway_EverythingBeforeItDecodedThenTheFailureThrown()
    {
        byte[] bytes = Bytes("seeds/park-vehicle-rtk-10hz.nmea");
        const int blockSize = 4096;
        int failAt = bytes.Length / 2;
        var sink = new RecordingSink();
        var decoder = new NmeaDecoder("input", sink);

        IOException thrown = Assert.Throws<IOException>(() => decoder.RunInTwoStages(new FailingStream(bytes, failAt), blockSize));

        Assert.Equal(FailingStream.Message, thrown.Message);

        // The one-thread path over the bytes read before, not final (the open epoch stays open).
        (List<Epoch> expected, NmeaDecoder reference) = OneThread(bytes[..failAt], blockSize, final: false);
        Assert.NotEmpty(expected);
        Assert.Equal(EpochText.Of(expected), EpochText.Of(sink.Epochs));
        Assert.Equal(Counters(reference), Counters(decoder));
    }

    [Fact]
    public void RunInTwoStages_SinkFails_ThrownToTheCallerAndTheFramingThreadStops()
    {
        byte[] bytes = Bytes("seeds/park-vehicle-rtk-10hz.nmea");
        var sink = new FailingSink(failAt: 50);
        var decoder = new NmeaDecoder("sink", sink);

        // Returns (does not hang on the framing thread, which waits for a free block) and says why.
        InvalidOperationException thrown = Assert.Throws<InvalidOperationException>(() => decoder.RunInTwoStages(new MemoryStream(bytes), 4096));

        Assert.Equal("sink full", thrown.Message);
        Assert.Equal(50, sink.Count);
    }

    [Fact]
    public void RunInTwoStages_Cancelled_ThrowsOperationCanceled()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var decoder = new NmeaDecoder("cancel", new RecordingSink());

        Assert.ThrowsAny<OperationCanceledException>(() => decoder.RunInTwoStages(new MemoryStream(Bytes("hostile")), 4096, cancel.Token));
    }

    private static void AssertSame(byte[] bytes, int blockSize)
    {
        (List<Epoch> expected, NmeaDecoder reference) = OneThread(bytes, blockSize, final: true);
        var sink = new RecordingSink();
        var decoder = new NmeaDecoder("input", sink);

        decoder.RunInTwoStages(new MemoryStream(bytes), blockSize);

        Assert.NotEqual(0, reference.Statistics.Sentences + reference.Statistics.RejectedTotal);
        Assert.Equal(EpochText.Of(expected), EpochText.Of(sink.Epochs));
        Assert.Equal(Counters(reference), Counters(decoder));
    }

    // The one-thread path as `decode` ran it before (BlockPipeReader + RunAsync): read into the
    // block after the carried incomplete sentence, decode, carry the rest; double the block when
    // the carried bytes fill it.
    private static (List<Epoch> Epochs, NmeaDecoder Decoder) OneThread(byte[] bytes, int blockSize, bool final)
    {
        var sink = new RecordingSink();
        var decoder = new NmeaDecoder("input", sink);
        byte[] buffer = new byte[blockSize];
        int carried = 0;
        int at = 0;
        while (true)
        {
            if (carried == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            int n = Math.Min(bytes.Length - at, buffer.Length - carried);
            bytes.AsSpan(at, n).CopyTo(buffer.AsSpan(carried));
            at += n;
            decoder.Statistics.CountBytes(n);
            bool last = n == 0;
            if (last && !final)
            {
                return (sink.Epochs, decoder);
            }

            var seq = new ReadOnlySequence<byte>(buffer, 0, carried + n);
            decoder.Decode(ref seq, last);
            carried = (int)seq.Length;
            seq.CopyTo(buffer);
            if (last)
            {
                return (sink.Epochs, decoder);
            }
        }
    }

    // Every counter of the decoder: bytes, sentences by type and talker, rejects by reason, the
    // framer's drops, late sentences.
    private static string Counters(NmeaDecoder d)
    {
        var sb = new StringBuilder();
        NmeaStatistics s = d.Statistics;
        sb.Append(CultureInfo.InvariantCulture, $"bytes {s.Bytes} sentences {s.Sentences} without checksum {s.WithoutChecksum} late {d.Assembler.LateSentences};");
        foreach (NmeaError e in Enum.GetValues<NmeaError>())
        {
            sb.Append(CultureInfo.InvariantCulture, $" {e} {s.Rejected(e)}");
        }

        foreach (SentenceType t in Enum.GetValues<SentenceType>())
        {
            sb.Append(CultureInfo.InvariantCulture, $" {t} {s.OfType(t)}");
        }

        foreach (Talker t in Enum.GetValues<Talker>())
        {
            sb.Append(CultureInfo.InvariantCulture, $" {t} {s.OfTalker(t)}");
        }

        foreach (PropertyInfo p in typeof(FramingCounters).GetProperties())
        {
            sb.Append(CultureInfo.InvariantCulture, $" {p.Name} {p.GetValue(d.Framer.Counters)}");
        }

        return sb.ToString();
    }

    private static byte[] Bytes(string input) => input == "hostile" ? Hostile() : File.ReadAllBytes(Path.Combine(Corpus.RepositoryRoot!, input));

    // Every kind of line the framer and parser tell apart, between good cycles: a wrong checksum,
    // none, bad hex, garbage and binary bytes, a doubled '$', an overlong line, CR-only and LF-only
    // line ends, an encapsulated sentence, a proprietary one, too many fields, and a last line
    // without its line end.
    private static byte[] Hostile()
    {
        var random = new Random(20261206);
        var output = new MemoryStream();
        void Text(string s) => output.Write(Encoding.Latin1.GetBytes(s));
        for (int cycle = 0; cycle < 40; cycle++)
        {
            foreach (string line in CycleBuilder.Cycle(cycle))
            {
                Text(line + (cycle % 3 == 0 ? "\r\n" : cycle % 3 == 1 ? "\n" : "\r"));
            }

            switch (cycle % 10)
            {
                case 0:
                    Text("$GPGGA,120000.00,2750.0000,N,11310.0000,E,1,08,1.0,50.0,M,-20.0,M,,*00\r\n");
                    break;
                case 1:
                    Text("$GPRMC,120001.00,A,2750.0000,N,11310.0000,E,0.0,0.0,061226,,,A\r\n");
                    break;
                case 2:
                    Text("$GPGSA,A,3,01,02,,,,,,,,,,,1.0,1.0,1.0*ZZ\r\n");
                    break;
                case 3:
                    byte[] binary = new byte[300];
                    random.NextBytes(binary);
                    output.Write(binary);
                    Text("\r\n");
                    break;
                case 4:
                    Text("$GPGGA,12$" + NmeaText.Line("GPZDA,120004.00,06,12,2026,00,00")[1..] + "\r\n");
                    break;
                case 5:
                    Text("$GPTXT," + new string('A', 400) + "*00\r\n");
                    break;
                case 6:
                    Text(NmeaText.Line("PQTMVER,MODULE_L76K,V1.0") + "\r\n" + "!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24\r\n");
                    break;
                case 7:
                    Text(NmeaText.Line("GPXXX" + string.Concat(Enumerable.Repeat(",1", 60))) + "\r\n");
                    break;
                case 8:
                    Text("# a comment line\r\njunk without a start\r\n");
                    break;
                default:
                    Text(NmeaText.Line("GBGSV,1,1,01,03,40,120,45,1") + "\r\n\r\n\r\n");
                    break;
            }
        }

        Text(NmeaText.Line("GNZDA,120059.00,06,12,2026,00,00")[..20]);
        return output.ToArray();
    }

    // Reads as a file does up to `failAt` bytes; the read after that fails.
    private sealed class FailingStream(byte[] bytes, int failAt) : MemoryStream(bytes)
    {
        public const string Message = "device unplugged (test)";

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (Position == failAt)
            {
                throw new IOException(Message);
            }

            return base.Read(buffer, offset, (int)Math.Min(count, failAt - Position));
        }
    }

    private sealed class FailingSink(int failAt) : IEpochSink
    {
        public int Count { get; private set; }

        public void OnPosition(Epoch epoch)
        {
        }

        public void OnEpoch(Epoch epoch)
        {
            if (Count == failAt)
            {
                throw new InvalidOperationException("sink full");
            }

            Count++;
        }
    }
}
