using System.Diagnostics;
using BeidouHub.Receiver.Sources;
using BeidouHub.Receiver.Tests.Support;
using BeidouHub.Receiver.Workers;
using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Receiver.Tests.Workers;

public class ReplayWorkerTests
{
    [Fact]
    public async Task RunAsync_Speed10OverSixtySecondCapture_EveryEpochOnceTheClockHasMovedSixSeconds()
    {
        string file = WriteCapture(CycleBuilder.Cycles(61)); // 0 s .. 60 s
        try
        {
            var sink = new ConcurrentSink();
            var time = new FakeTimeProvider(CycleBuilder.Start);
            using ReceiverWorker worker = Worker(file, "speed=10", sink, time: time);

            Task run = worker.RunAsync(CancellationToken.None);
            await Eventually.True(() =>
            {
                time.Advance(TimeSpan.FromMilliseconds(50));
                return run.IsCompleted;
            }, "the capture replayed");
            await run;

            // 60 s of capture at 10x: the last epoch cannot go out before the clock has moved 6 s.
            Assert.True(time.GetUtcNow() - CycleBuilder.Start >= TimeSpan.FromSeconds(6), $"done after {time.GetUtcNow() - CycleBuilder.Start}");
            Assert.Equal(61, sink.Count);
            Assert.Equal(ReceiverState.Stopped, worker.State);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task RunAsync_SpeedZero_RunsFlatOutWithEveryEpoch()
    {
        string file = WriteCapture(CycleBuilder.Cycles(600)); // ten minutes of capture
        try
        {
            var sink = new ConcurrentSink();
            using ReceiverWorker worker = Worker(file, "speed=0", sink);

            var clock = Stopwatch.StartNew();
            await worker.RunAsync(CancellationToken.None);

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
            Assert.Equal(600, sink.Count);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task RunAsync_Loop_StartsOverAtTheEnd()
    {
        string file = WriteCapture(CycleBuilder.Cycles(5));
        try
        {
            var sink = new ConcurrentSink();
            using ReceiverWorker worker = Worker(file, "speed=0&loop=true", sink);
            using var stop = new CancellationTokenSource();
            Task run = worker.RunAsync(stop.Token);

            await Eventually.True(() => sink.Count >= 16, "three loops of five epochs");
            await stop.CancelAsync();
            await run;

            List<DateTime?> times = sink.Snapshot().Take(15).Select(e => e.UtcTime).ToList();
            var once = Enumerable.Range(0, 5).Select(s => (DateTime?)CycleBuilder.Start.AddSeconds(s)).ToList();
            Assert.Equal(once.Concat(once).Concat(once), times);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task RunAsync_FiftyReceiversAtOnce_EachGetsExactlyItsOwnEpochs()
    {
        const int Receivers = 50;
        var files = new List<string>();
        var sinks = new List<ConcurrentSink>();
        var workers = new List<ReceiverWorker>();
        try
        {
            long expectedSentences = 0;
            for (int r = 0; r < Receivers; r++)
            {
                // Each capture starts at its own second, so every epoch names its receiver by time.
                List<string> lines = CycleBuilder.Cycles(20, startSecond: r * 1000).ToList();
                expectedSentences += lines.Count;
                files.Add(WriteCapture(lines));
                sinks.Add(new ConcurrentSink());
                workers.Add(Worker(files[r], "speed=0", sinks[r], id: $"r{r}"));
            }

            await Task.WhenAll(workers.Select(w => w.RunAsync(CancellationToken.None)));

            for (int r = 0; r < Receivers; r++)
            {
                var expected = Enumerable.Range(r * 1000, 20).Select(s => (DateTime?)CycleBuilder.Start.AddSeconds(s));
                Assert.Equal(expected, sinks[r].Snapshot().Select(e => e.UtcTime));
                Assert.All(sinks[r].Snapshot(), e => Assert.Equal($"r{r}", e.Receiver));
            }

            Assert.Equal(expectedSentences, workers.Sum(w => w.Snapshot().Sentences));
            Assert.Equal(Receivers * 20, workers.Sum(w => w.Snapshot().Epochs));
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
            files.ForEach(File.Delete);
        }
    }

    [Fact]
    public void Parse_UnknownSchemeOrBadParameter_OneClearMessage()
    {
        Assert.False(SourceOptions.TryParse("ftp://x", out _, out string? scheme));
        Assert.Contains("unknown scheme 'ftp'", scheme, StringComparison.Ordinal);
        Assert.False(SourceOptions.TryParse("serial:///dev/ttyUSB0?baud=fast", out _, out string? baud));
        Assert.Contains("baud=fast", baud, StringComparison.Ordinal);
        Assert.False(SourceOptions.TryParse("serial:///dev/ttyUSB0?speed=1", out _, out string? unknown));
        Assert.Contains("unknown parameter 'speed'", unknown, StringComparison.Ordinal);
        Assert.False(SourceOptions.TryParse("tcp://host", out _, out string? port));
        Assert.Contains("host:port", port, StringComparison.Ordinal);
        Assert.False(SourceOptions.TryParse("replay:///no/such/file.nmea", out _, out string? missing));
        Assert.Contains("not found", missing, StringComparison.Ordinal);
        Assert.False(SourceOptions.TryParse("replay:///etc/hostname?loop=maybe", out _, out string? loop));
        Assert.Contains("loop=maybe", loop, StringComparison.Ordinal);

        var serial = Assert.IsType<SerialSourceOptions>(SourceOptions.Parse("serial:///dev/ttyUSB0?baud=115200&parity=even&databits=7&stopbits=2"));
        Assert.Equal(("/dev/ttyUSB0", 115200, System.IO.Ports.Parity.Even, 7, System.IO.Ports.StopBits.Two), (serial.Port, serial.BaudRate, serial.Parity, serial.DataBits, serial.StopBits));
        var tcp = Assert.IsType<TcpSourceOptions>(SourceOptions.Parse("tcp://192.168.1.20:4001"));
        Assert.Equal(("192.168.1.20", 4001), (tcp.Host, tcp.Port));
    }

    internal static string WriteCapture(IEnumerable<string> lines)
    {
        string file = Path.Combine(Path.GetTempPath(), $"beidouhub-replay-{Guid.NewGuid():N}.nmea");
        File.WriteAllBytes(file, NmeaText.Bytes(["# test capture", .. lines]));
        return file;
    }

    private static ReceiverWorker Worker(string file, string query, ConcurrentSink sink, string id = "replay-test", TimeProvider? time = null)
    {
        var options = new ReceiverOptions { Id = id, Source = $"replay://{file}?{query}" };
        return new ReceiverWorker(options, ByteSources.Create(SourceOptions.Parse(options.Source), time), sink, new ListLogger(), time);
    }
}
