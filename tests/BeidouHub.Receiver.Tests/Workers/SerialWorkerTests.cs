using System.Buffers;
using BeidouHub.Receiver.Decoding;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Sources;
using BeidouHub.Receiver.Tests.Support;
using BeidouHub.Receiver.Workers;

namespace BeidouHub.Receiver.Tests.Workers;

/// <summary>The serial path with real parts: a pseudo-terminal made by the test, System.IO.Ports on its slave side.</summary>
public class SerialWorkerTests
{
    public static TheoryData<string> Captures => new() { "fixture:park-rtk-vehicle", "corpus:ublox-zed-f9r", "corpus:quectel-l76k-nmea" };

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public async Task RunAsync_CaptureWrittenInRandomChunks_SameEpochsAsDecode(string capture)
    {
        Skip.IfNot(PseudoTerminal.IsSupported, "pseudo-terminals need Linux");
        byte[] bytes = Load(capture);
        List<string> expected = EpochText.Of(DecodeAll(bytes));
        using var pty = PseudoTerminal.Open();
        var sink = new ConcurrentSink();
        using var worker = Worker(pty.SlavePath, sink);
        using var stop = new CancellationTokenSource();
        Task run = worker.RunAsync(stop.Token);
        await Eventually.True(() => worker.State == ReceiverState.Connected, "the worker opens the pty");

        var random = new Random(20261127);
        for (int at = 0; at < bytes.Length;)
        {
            int n = Math.Min(random.Next(1, 4097), bytes.Length - at);
            pty.Write(bytes.AsSpan(at, n));
            at += n;
        }

        await Eventually.True(() => worker.Snapshot().Bytes == bytes.Length, "every byte read");
        pty.Dispose(); // unplug: the worker hands out the last epoch when the device goes
        await Eventually.True(() => worker.State is ReceiverState.Disconnected or ReceiverState.Connecting, "the worker notices the unplug");
        await stop.CancelAsync();
        await run;

        Assert.Equal(expected, EpochText.Of(sink.Snapshot()));
        Assert.True(expected.Count > 5, $"only {expected.Count} epochs in {capture}");
    }

    [SkippableFact]
    public async Task RunAsync_UnpluggedAndReplugged_ReconnectsAndDeliversEveryLaterEpoch()
    {
        Skip.IfNot(PseudoTerminal.IsSupported, "pseudo-terminals need Linux");
        string dir = Directory.CreateTempSubdirectory("beidouhub-serial-").FullName;
        string link = Path.Combine(dir, "ttyGNSS");
        byte[] first = NmeaText.Bytes(CycleBuilder.Cycles(5));
        byte[] second = NmeaText.Bytes(CycleBuilder.Cycles(5, startSecond: 100));
        var sink = new ConcurrentSink();
        var log = new ListLogger();
        PseudoTerminal pty = PseudoTerminal.Open();
        try
        {
            File.CreateSymbolicLink(link, pty.SlavePath);
            using var worker = Worker(link, sink, log, backoffCap: TimeSpan.FromMilliseconds(500));
            using var stop = new CancellationTokenSource();
            Task run = worker.RunAsync(stop.Token);
            await Eventually.True(() => worker.State == ReceiverState.Connected, "first connection");
            pty.Write(first);
            await Eventually.True(() => worker.Snapshot().Bytes == first.Length, "first part read");

            pty.Dispose(); // USB cable pulled
            File.Delete(link);
            await Eventually.True(() => worker.State is ReceiverState.Disconnected, "the unplug is noticed");
            Assert.Equal(5, sink.Count);

            pty = PseudoTerminal.Open(); // plugged in again: udev points the same name at a new tty
            File.CreateSymbolicLink(link, pty.SlavePath);
            await Eventually.True(() => worker.State == ReceiverState.Connected, "reconnect by itself", seconds: 10);
            Assert.Equal(1, worker.Snapshot().Reconnects);
            pty.Write(second);
            await Eventually.True(() => worker.Snapshot().Bytes == first.Length + second.Length, "second part read");
            pty.Dispose();
            await Eventually.True(() => sink.Count == 10, "every epoch after the reconnect");
            await stop.CancelAsync();
            await run;

            List<DateTime?> times = sink.Snapshot().Select(e => e.UtcTime).ToList();
            Assert.Equal(Enumerable.Range(100, 5).Select(s => (DateTime?)CycleBuilder.Start.AddSeconds(s)), times.Skip(5));
            Assert.Contains(log.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning && l.Message.Contains("lost", StringComparison.Ordinal));
            Assert.DoesNotContain(log.Lines, l => l.Exception is not null);
        }
        finally
        {
            pty.Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_PortDoesNotExist_OneWarningLineNotOnePerAttempt()
    {
        var log = new ListLogger();
        var sink = new ConcurrentSink();
        using var worker = Worker("/dev/beidouhub-no-such-tty", sink, log, backoffCap: TimeSpan.FromMilliseconds(100));
        using var stop = new CancellationTokenSource();
        Task run = worker.RunAsync(stop.Token);

        await Eventually.True(() => log.Lines.Count(l => l.Message.Contains("still", StringComparison.Ordinal)) >= 5, "several retries");
        await stop.CancelAsync();
        await run;

        var warnings = log.Lines.Where(l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).ToList();
        Assert.Single(warnings);
        Assert.Contains("/dev/beidouhub-no-such-tty does not exist", warnings[0].Message, StringComparison.Ordinal);
        Assert.Null(warnings[0].Exception);
        Assert.NotNull(worker.Snapshot().LastError);
        Assert.Equal(ReceiverState.Stopped, worker.State);
    }

    internal static ReceiverWorker Worker(string port, IEpochSink sink, ListLogger? log = null, TimeSpan? backoffCap = null, RecordingOptions? recording = null)
    {
        var options = new ReceiverOptions
        {
            Id = "serial-test",
            Source = $"serial://{port}?baud=115200",
            BackoffCap = backoffCap ?? TimeSpan.FromSeconds(1),
            Recording = recording,
        };
        var source = new SerialSource((SerialSourceOptions)SourceOptions.Parse(options.Source));
        return new ReceiverWorker(options, source, sink, log ?? new ListLogger());
    }

    internal static byte[] Load(string capture)
    {
        string[] parts = capture.Split(':');
        if (parts[0] == "fixture")
        {
            return File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", parts[1] + ".nmea"));
        }

        string? dir = Corpus.GpsdDirectory;
        Skip.If(dir is null, Corpus.Absent);
        return File.ReadAllBytes(Path.Combine(dir!, parts[1] + ".log"));
    }

    internal static List<Epoch> DecodeAll(byte[] bytes, string receiver = "serial-test") => NmeaText.DecodeAll(bytes, receiver);
}
