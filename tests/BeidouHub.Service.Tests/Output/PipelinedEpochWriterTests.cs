using System.Buffers;
using BeidouHub.Geo;
using BeidouHub.Receiver.Decoding;
using BeidouHub.Service.Output;
using BeidouHub.Service.Tests.Support;

namespace BeidouHub.Service.Tests.Output;

public class PipelinedEpochWriterTests
{
    public static TheoryData<string, string> FormatsAndLogs()
    {
        var cases = new TheoryData<string, string>();
        string[] logs =
        [
            .. Directory.GetFiles(Path.Combine(Repo.Root, "seeds"), "*.nmea").Order(StringComparer.Ordinal),
            .. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures"), "*.nmea").Order(StringComparer.Ordinal),
        ];
        foreach (string format in EpochWriter.Formats)
        {
            foreach (string log in logs)
            {
                cases.Add(format, log);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(FormatsAndLogs))]
    public void Complete_WholeLog_SameBytesAndRecordsAsWriterOnDecoderThread(string format, string log)
    {
        GaussKrugerGrid.TryFromEpsg(4547, out GaussKrugerGrid? grid, out _);
        byte[] input = File.ReadAllBytes(log);

        (byte[] direct, long directRecords) = Decode(input, format, grid, pipelined: false);
        (byte[] pipelined, long pipelinedRecords) = Decode(input, format, grid, pipelined: true);

        Assert.True(directRecords > 0, $"{log} gives no epochs");
        Assert.Equal(directRecords, pipelinedRecords);
        Assert.Equal(direct, pipelined);
    }

    [Fact]
    public void Flush_MoreThanOneBatch_WriterThreadWritesAndFlushesWithoutComplete()
    {
        var output = new CountingStream();
        using var writer = (PipelinedEpochWriter)EpochWriter.Create("jsonl", output, grid: null, pipelined: true);
        var decoder = new NmeaDecoder("flush", writer);
        var buffer = new ReadOnlySequence<byte>(File.ReadAllBytes(Repo.Seed("park-handheld-bd-walk.nmea")));
        decoder.Decode(ref buffer, isFinalBlock: false);

        writer.Flush();

        Assert.True(decoder.Assembler.Emitted > PipelinedEpochWriter.BatchSize, "the seed is too short to fill a batch");
        DateTime limit = DateTime.UtcNow.AddSeconds(30);
        while (output.Flushes == 0 && DateTime.UtcNow < limit)
        {
            Thread.Sleep(5);
        }

        Assert.True(output.Flushes > 0, "the writer thread did not flush within 30 s");
        Assert.Equal(decoder.Assembler.Emitted, writer.Records);
    }

    [Fact]
    public void Complete_OutputFails_ThrowsTheOutputsExceptionOnCallersThread()
    {
        // Not disposed: disposing writes what is pending to the failed output again, and throws again.
        EpochWriter writer = EpochWriter.Create("jsonl", new FailingStream(), grid: null, pipelined: true);
        var decoder = new NmeaDecoder("fail", writer);
        var buffer = new ReadOnlySequence<byte>(File.ReadAllBytes(Repo.Seed("park-vehicle-rtk-10hz.nmea")));

        IOException e = Assert.Throws<IOException>(() =>
        {
            decoder.Decode(ref buffer, isFinalBlock: true);
            writer.Complete();
        });
        Assert.Equal(FailingStream.Message, e.Message);
    }

    private static (byte[] Bytes, long Records) Decode(byte[] input, string format, GaussKrugerGrid? grid, bool pipelined)
    {
        var output = new MemoryStream();
        long records;
        using (EpochWriter writer = EpochWriter.Create(format, output, grid, pipelined))
        {
            var decoder = new NmeaDecoder("gate-7", writer);
            var buffer = new ReadOnlySequence<byte>(input);
            decoder.Decode(ref buffer, isFinalBlock: true);
            writer.Complete();
            records = writer.Records;
        }

        return (output.ToArray(), records);
    }

    private sealed class CountingStream : MemoryStream
    {
        private int _flushes;

        public int Flushes => Volatile.Read(ref _flushes);

        public override void Flush()
        {
            base.Flush();
            Interlocked.Increment(ref _flushes);
        }
    }

    private sealed class FailingStream : MemoryStream
    {
        public const string Message = "output closed";

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException(Message);

        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException(Message);
    }
}
