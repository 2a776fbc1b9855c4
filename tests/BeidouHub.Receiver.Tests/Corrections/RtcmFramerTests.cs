using System.Text;
using BeidouHub.Receiver.Corrections;

namespace BeidouHub.Receiver.Tests.Corrections;

public class RtcmFramerTests
{
    [Fact]
    public void Compute_CheckString_IsTheCatalogueCheckValue()
    {
        // CRC RevEng catalogue, CRC-24/LTE-A (the same parameters as RTCM's CRC-24Q): check=0xcde703.
        Assert.Equal(0xCDE703u, Crc24Q.Compute("123456789"u8));
        Assert.Equal(0xCDE703u, RtcmFrames.BitwiseCrc24Q("123456789"u8));
    }

    [Fact]
    public void TryReadFrame_GoodFrame_YieldsItUnchangedWithItsType()
    {
        byte[] frame = RtcmFrames.Build(1124, 200);
        var framer = new RtcmFramer();
        framer.Write(frame);

        Assert.True(framer.TryReadFrame(out RtcmFrame read));
        Assert.Equal(1124, read.MessageType);
        Assert.Equal(200, read.PayloadLength);
        Assert.Equal(frame, read.Bytes.ToArray());
        Assert.False(framer.TryReadFrame(out _));
        Assert.Equal(1, framer.Frames);
        Assert.Equal(0, framer.BadFrames);
        Assert.Equal(0, framer.SkippedBytes);
    }

    [Fact]
    public void TryReadFrame_BadCrc_CountsItAndFindsTheNextFrame()
    {
        byte[] bad = RtcmFrames.Build(1074, 100);
        bad[50] ^= 0x01;
        byte[] good = RtcmFrames.Build(1005, 19);
        var framer = new RtcmFramer();
        framer.Write([.. bad, .. good]);

        Assert.True(framer.TryReadFrame(out RtcmFrame read));
        Assert.Equal(1005, read.MessageType);
        Assert.Equal(good, read.Bytes.ToArray());
        Assert.Equal(1, framer.BadFrames);
        Assert.Equal(bad.Length, framer.SkippedBytes);
    }

    [Fact]
    public void TryReadFrame_EveryPrefix_ReturnsFalseAndLosesNothing()
    {
        // As Kestrel's ParseHeadersReturnsFalseWhenGivenIncompleteHeaders: one byte at a time, a
        // frame comes out only when its last byte is in, and whole.
        byte[] stream = RtcmFrames.Stream(3);
        var framer = new RtcmFramer(readSize: 1);
        var frames = new List<byte[]>();
        foreach (byte b in stream)
        {
            framer.Write([b]);
            while (framer.TryReadFrame(out RtcmFrame frame))
            {
                frames.Add(frame.Bytes.ToArray());
            }
        }

        Assert.Equal(12, frames.Count);
        Assert.Equal(stream, frames.SelectMany(f => f).ToArray());
        Assert.Equal(0, framer.SkippedBytes);
    }

    [Fact]
    public void TryReadFrame_SplitAcrossReadsAtEveryOffset_YieldsBothFrames()
    {
        byte[] stream = [.. RtcmFrames.Build(1124, 300), .. RtcmFrames.Build(1230, 6)];
        for (int cut = 1; cut < stream.Length; cut++)
        {
            var framer = new RtcmFramer(readSize: 512);
            var types = new List<int>();
            foreach (byte[] part in new[] { stream[..cut], stream[cut..] })
            {
                ReadOnlySpan<byte> rest = part;
                while (!rest.IsEmpty)
                {
                    rest = rest[framer.Write(rest)..];
                    while (framer.TryReadFrame(out RtcmFrame frame))
                    {
                        types.Add(frame.MessageType);
                    }
                }
            }

            Assert.Equal([1124, 1230], types);
        }
    }

    [Fact]
    public void TryReadFrame_NmeaAndGarbageBetweenFrames_SkipsAndCountsThem()
    {
        byte[] nmea = Encoding.ASCII.GetBytes("$GPGGA,080000.00,2749.68,N,11308.04,E,1,12,0.8,50.0,M,-10.0,M,,*5A\r\n");
        byte[] fakeStart = [0xD3, 0xFF, 0x00, 0x12]; // a D3 with reserved bits set: not a frame
        byte[] falseLength = [0xD3, 0x00, 0x05, 1, 2, 3, 4, 5, 6, 7, 8]; // header ok, CRC wrong
        byte[] f1 = RtcmFrames.Build(1074, 150);
        byte[] f2 = RtcmFrames.Build(1124, 160);
        byte[] stream = [.. nmea, .. f1, .. fakeStart, .. falseLength, .. f2, .. nmea];
        var framer = new RtcmFramer();
        framer.Write(stream);
        var types = new List<int>();
        while (framer.TryReadFrame(out RtcmFrame frame))
        {
            types.Add(frame.MessageType);
        }

        Assert.Equal([1074, 1124], types);
        Assert.Equal(1, framer.BadFrames);
        Assert.Equal((2 * nmea.Length) + fakeStart.Length + falseLength.Length, framer.SkippedBytes);
        Assert.Equal(0, framer.Pending);
    }

    [Fact]
    public void TryReadFrame_MaximumLength_1023BytePayloadIsAFrame()
    {
        byte[] frame = RtcmFrames.Build(4072, 1023);
        Assert.Equal(1029, frame.Length);
        var framer = new RtcmFramer(readSize: 100);
        var read = new List<byte[]>();
        ReadOnlySpan<byte> rest = frame;
        while (!rest.IsEmpty)
        {
            rest = rest[framer.Write(rest)..];
            while (framer.TryReadFrame(out RtcmFrame f))
            {
                read.Add(f.Bytes.ToArray());
            }
        }

        byte[] only = Assert.Single(read);
        Assert.Equal(frame, only);
        Assert.Equal(4072, RtcmFrameType(only));
    }

    [SkippableFact]
    public void TryReadFrame_ZedF9rCapture_Finds224FramesAmongNmeaAndUbx()
    {
        Skip.If(RtcmFrames.CorpusCapture is null, Corpus.Absent);
        byte[] capture = File.ReadAllBytes(RtcmFrames.CorpusCapture!);
        var framer = new RtcmFramer();
        var types = new Dictionary<int, int>();
        ReadOnlySpan<byte> rest = capture;
        while (!rest.IsEmpty)
        {
            rest = rest[framer.Write(rest)..];
            while (framer.TryReadFrame(out RtcmFrame frame))
            {
                types[frame.MessageType] = types.GetValueOrDefault(frame.MessageType) + 1;
            }
        }

        // Counted independently with a bit-wise CRC over the file: 224 frames, MSM5 of four systems.
        Assert.Equal(224, framer.Frames);
        Assert.Equal(30, types[1125]); // BeiDou MSM5
        Assert.Equal(30, types[1075]);
        Assert.Equal(6, types[1230]);
    }

    [Fact]
    public void TryReadFrame_SteadyStream_AllocatesNothing()
    {
        byte[] stream = RtcmFrames.Stream(200);
        var framer = new RtcmFramer();
        long frames = 0;
        long allocated = SteadyStateAllocation.PerRound(() =>
        {
            ReadOnlySpan<byte> rest = stream;
            while (!rest.IsEmpty)
            {
                rest = rest[framer.Write(rest)..];
                while (framer.TryReadFrame(out RtcmFrame frame))
                {
                    frames += frame.MessageType > 0 ? 1 : 0;
                }
            }
        });

        Assert.True(frames >= 800 * 5, $"only {frames} frames");
        Assert.Equal(0, allocated);
    }

    private static int RtcmFrameType(byte[] frame) => (frame[3] << 4) | (frame[4] >> 4);
}
