using System.Buffers;
using System.Text;
using BeidouHub.Receiver.Decoding;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Nmea;
using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Allocation;

/// <summary>
/// The hot path allocates nothing: measured with GC.GetAllocatedBytesForCurrentThread, which is
/// exact for the calling thread. Warm-up first, so that one-time costs (JIT, static init) are out
/// (<see cref="SteadyStateAllocation"/>).
/// </summary>
public class AllocationTests
{
    private static readonly byte[] Stream = NmeaText.Bytes(CycleBuilder.Cycles(800)); // 800 cycles x 13 sentences = 10,400

    [Fact]
    public void Decode_TenThousandSentencesOfEpochMix_AllocatesNothing()
    {
        var sink = new CountingSink();
        var decoder = new NmeaDecoder("alloc", sink);
        long sentences = 0;

        long allocated = SteadyStateAllocation.PerRound(() =>
        {
            long before = decoder.Statistics.Sentences;
            DecodeOnce(decoder);
            sentences = decoder.Statistics.Sentences - before;
        });

        Assert.True(sentences >= 10_000, $"only {sentences} sentences decoded");
        Assert.True(sink.Epochs >= 1600, $"only {sink.Epochs} epochs");
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Decode_SegmentedInput_SentencesAcrossSegmentsAllocateNothing()
    {
        // Cut every 4,093 bytes, as a pipe hands out segments: most sentences come straight
        // from a segment's span, the ones cut in two through the framer's copy.
        int[] cuts = [.. Enumerable.Range(1, (Stream.Length - 1) / 4093).Select(i => i * 4093)];
        var sink = new CountingSink();
        var decoder = new NmeaDecoder("alloc", sink);
        long sentences = 0;
        ReadOnlySequence<byte> segmented = TestSegment.Split(Stream, cuts);

        long allocated = SteadyStateAllocation.PerRound(() =>
        {
            ReadOnlySequence<byte> seq = segmented;
            long before = decoder.Statistics.Sentences;
            decoder.Decode(ref seq, isFinalBlock: false);
            sentences = decoder.Statistics.Sentences - before;
        });

        var whole = new NmeaDecoder("whole", new CountingSink());
        DecodeOnce(whole);
        Assert.True(cuts.Length > 20, $"only {cuts.Length} cuts");
        Assert.Equal(whole.Statistics.Sentences, sentences);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void TryParseAndTypedRead_EverySentenceOfEpochMix_AllocatesNothing()
    {
        byte[][] lines = CycleBuilder.Cycles(20).Concat(
        [
            NmeaText.Line("GNGLL,2749.6800,N,11308.0400,E,020000.00,A,A"),
            NmeaText.Line("GNVTG,87.5,T,,M,3.1,N,5.7,K,R"),
            "$GNGNS,014035.00,4332.69262,S,17235.48549,E,RR,13,0.9,25.63,11.24,,*70",
            "$GNGBS,231408.00,0.0,0.1,0.1,,,,,,*53",
            "$GPTXT,01,01,01,ANTENNA OK*35",
            "$PQGSV,4,1,15,02,20,116,,03,,,,05,34,137,,07,05,046,,0,4*58",
        ]).Select(l => Encoding.ASCII.GetBytes(l)).ToArray();
        Assert.Equal(lines.Length, ReadAll(lines));
        int read = 0;

        long allocated = SteadyStateAllocation.PerRound(() =>
        {
            read = 0;
            for (int i = 0; i < 40; i++)
            {
                read += ReadAll(lines);
            }
        });

        Assert.True(read > 10_000, $"only {read} sentences read");
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Assembler_SteadyState_AllocatesNothingPerEpoch()
    {
        var sink = new CountingSink();
        var decoder = new NmeaDecoder("alloc", sink);
        long epochs = 0;

        long allocated = SteadyStateAllocation.PerRound(() =>
        {
            long before = sink.Epochs;
            for (int i = 0; i < 3; i++)
            {
                DecodeOnce(decoder);
            }

            epochs = sink.Epochs - before;
        });

        Assert.Equal(2400, epochs);
        Assert.Equal(0.0, (double)allocated / epochs);
    }

    private static void DecodeOnce(NmeaDecoder decoder)
    {
        var seq = new ReadOnlySequence<byte>(Stream);
        decoder.Decode(ref seq, isFinalBlock: false);
    }

    private static int ReadAll(byte[][] lines)
    {
        int ok = 0;
        foreach (byte[] line in lines)
        {
            if (!NmeaSentence.TryParse(line, out NmeaSentence s, out _))
            {
                continue;
            }

            bool read = s.Type switch
            {
                SentenceType.Gga => Gga.TryRead(s, out _),
                SentenceType.Rmc => Rmc.TryRead(s, out _),
                SentenceType.Gsa => Gsa.TryRead(s, out _),
                SentenceType.Gsv => Gsv.TryRead(s, out _),
                SentenceType.Gll => Gll.TryRead(s, out _),
                SentenceType.Vtg => Vtg.TryRead(s, out _),
                SentenceType.Gst => Gst.TryRead(s, out _),
                SentenceType.Gns => Gns.TryRead(s, out _),
                SentenceType.Zda => Zda.TryRead(s, out _),
                SentenceType.Gbs => Gbs.TryRead(s, out _),
                SentenceType.Txt => Txt.TryRead(s, out _),
                _ => false,
            };
            ok += read ? 1 : 0;
        }

        return ok;
    }

    private sealed class CountingSink : IEpochSink
    {
        public long Epochs { get; private set; }

        public long Positions { get; private set; }

        public void OnPosition(Epoch epoch) => Positions++;

        public void OnEpoch(Epoch epoch) => Epochs++;
    }
}
