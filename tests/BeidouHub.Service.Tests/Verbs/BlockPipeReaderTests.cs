using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using BeidouHub.Receiver.Decoding;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Service.Tests.Support;
using BeidouHub.Service.Verbs;

namespace BeidouHub.Service.Tests.Verbs;

public class BlockPipeReaderTests
{
    [Theory]
    [InlineData(1, 1 << 20)] // a pipe that gives one byte per read, a large block
    [InlineData(7, 16)] // sentences longer than the block: the buffer grows
    [InlineData(100_000, 4096)]
    public async Task RunAsync_StreamInChunks_SameEpochsAndBytesAsOneBlock(int chunk, int blockSize)
    {
        byte[] log = await File.ReadAllBytesAsync(Repo.Seed("park-handheld-bd-walk.nmea"));
        var whole = new Recorder();
        var oneBlock = new System.Buffers.ReadOnlySequence<byte>(log);
        new NmeaDecoder("r", whole).Decode(ref oneBlock, isFinalBlock: true);
        var chunked = new Recorder();
        var decoder = new NmeaDecoder("r", chunked);
        int waits = 0;
        var reader = new BlockPipeReader(new ChunkedInput(log, chunk), blockSize, () => waits++);

        await decoder.RunAsync(reader);

        Assert.True(whole.Lines.Count > 100);
        Assert.Equal(whole.Lines, chunked.Lines);
        Assert.Equal(log.Length, decoder.Statistics.Bytes);
        Assert.True(waits >= Math.Min(log.Length / chunk, 1000), $"{waits} waits");
    }

    [Fact]
    public async Task RunAsync_SeekableFile_NeverCallsBeforeWait()
    {
        byte[] log = await File.ReadAllBytesAsync(Repo.Seed("park-handheld-bd-walk.nmea"));
        int waits = 0;
        var decoder = new NmeaDecoder("r", new Recorder());

        await decoder.RunAsync(new BlockPipeReader(new MemoryStream(log), 4096, () => waits++));

        Assert.Equal(log.Length, decoder.Statistics.Bytes);
        Assert.Equal(0, waits);
    }

    [Fact]
    public async Task DecodeVerb_LivePipe_EpochWrittenBeforeInputEnds()
    {
        var pipe = new Pipe();
        var stdout = new Pipe();
        Task<int> decode = Task.Run(() => DecodeVerb.RunAsync(["-"], new StringWriter(), stdout.Writer.AsStream(), pipe.Reader.AsStream(), CancellationToken.None));
        byte[] first = Encoding.ASCII.GetBytes(Repo.Line("GPGGA,020000.00,2749.6800,N,11308.0400,E,1,08,0.9,50.0,M,-21.0,M,,")
            + Repo.Line("GPGGA,020001.00,2749.6900,N,11308.0500,E,1,08,0.9,51.0,M,-21.0,M,,"));

        await pipe.Writer.WriteAsync(first);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        ReadResult read = await stdout.Reader.ReadAsync(timeout.Token);
        string shown = Encoding.UTF8.GetString(read.Buffer.ToArray());
        stdout.Reader.AdvanceTo(read.Buffer.End);
        Assert.False(decode.IsCompleted);
        await pipe.Writer.CompleteAsync();
        Assert.Equal(0, await decode);

        Assert.StartsWith("{\"receiver\":\"stdin\",\"time\":null,\"timeOfDay\":\"02:00:00.000\"", shown, StringComparison.Ordinal);
    }

    private sealed class Recorder : IEpochSink
    {
        public List<string> Lines { get; } = [];

        public void OnPosition(Epoch epoch)
        {
        }

        public void OnEpoch(Epoch epoch) => Lines.Add($"{epoch.Sequence} {epoch.TimeOfDayMs} {epoch.Latitude} {epoch.Longitude} {epoch.SatelliteCount} {epoch.UsedCount}");
    }
}
