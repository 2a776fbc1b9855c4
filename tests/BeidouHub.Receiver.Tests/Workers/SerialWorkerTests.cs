using System.Buffers;
using BeidouHub.Receiver.Decoding;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Sources;
using BeidouHub.Receiver.Tests.Support;
using BeidouHub.Receiver.Workers;

namespace BeidouHub.Receiver.Tests.Workers;

/// <summary>
/// The serial path with real parts: a pseudo-terminal made by the test, read on its slave side by
/// System.IO.Ports (<c>io=ports</c>) and by the shared epoll thread (<c>io=epoll</c>): both meet the same bar.
/// Not in parallel with other classes: fifty System.IO.Ports threads, each waking every millisecond,
/// take most of a core here and would upset the timing-sensitive tests of other classes (a TCP test
/// that sends 20 ms apart failed once alongside them at load average 12).
/// </summary>
[Collection(nameof(SerialWorkerTests))]
public class SerialWorkerTests
{
    public static TheoryData<string, string> Captures
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string io in IoModes)
            {
                foreach (string capture in new[] { "fixture:park-rtk-vehicle", "corpus:ublox-zed-f9r", "corpus:quectel-l76k-nmea" })
                {
                    data.Add(capture, io);
                }
            }

            return data;
        }
    }

    public static TheoryData<string> IoModes => new() { "ports", "epoll" };

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public async Task RunAsync_CaptureWrittenInRandomChunks_SameEpochsAsDecode(string capture, string io)
    {
        Skip.IfNot(PseudoTerminal.IsSupported, "pseudo-terminals need Linux");
        byte[] bytes = Load(capture);
        List<string> expected = EpochText.Of(DecodeAll(bytes));
        using var pty = PseudoTerminal.Open();
        var sink = new ConcurrentSink();
        using var worker = Worker(pty.SlavePath, sink, io: io);
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

    [SkippableTheory]
    [MemberData(nameof(IoModes))]
    public async Task RunAsync_UnpluggedAndReplugged_ReconnectsAndDeliversEveryLaterEpoch(string io)
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
            using var worker = Worker(link, sink, log, backoffCap: TimeSpan.FromMilliseconds(500), io: io);
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

    [SkippableTheory]
    [MemberData(nameof(IoModes))]
    public async Task RunAsync_PortDoesNotExist_OneWarningLineNotOnePerAttempt(string io)
    {
        Skip.If(io == "epoll" && !PseudoTerminal.IsSupported, "io=epoll needs Linux");
        var log = new ListLogger();
        var sink = new ConcurrentSink();
        using var worker = Worker("/dev/beidouhub-no-such-tty", sink, log, backoffCap: TimeSpan.FromMilliseconds(100), io: io);
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

    [SkippableTheory]
    [MemberData(nameof(IoModes))]
    public async Task RunAsync_FiftyPortsAtOnce_EachReceiverGetsItsOwnEpochsOnly(string io)
    {
        // Fifty receivers on one poller thread (io=epoll) or fifty IOLoop threads (io=ports), fed
        // interleaved: receiver i sends seconds 1000*i .. 1000*i+3, so any byte read on the wrong
        // port shows up as a wrong time (or a broken sentence and a missing epoch).
        Skip.IfNot(PseudoTerminal.IsSupported, "pseudo-terminals need Linux");
        const int Ports = 50;
        const int Cycles = 4;
        var ptys = new List<PseudoTerminal>();
        var workers = new List<ReceiverWorker>();
        var sinks = new List<ConcurrentSink>();
        using var stop = new CancellationTokenSource();
        var runs = new List<Task>();
        try
        {
            for (int i = 0; i < Ports; i++)
            {
                ptys.Add(PseudoTerminal.Open());
                sinks.Add(new ConcurrentSink());
                workers.Add(Worker(ptys[i].SlavePath, sinks[i], io: io, id: $"serial-{i}"));
                runs.Add(workers[i].RunAsync(stop.Token));
            }

            await Eventually.True(() => workers.All(w => w.State == ReceiverState.Connected), "every port open");
            byte[][] feeds = [.. Enumerable.Range(0, Ports).Select(i => NmeaText.Bytes(CycleBuilder.Cycles(Cycles, startSecond: 1000 * i)))];
            for (int cycle = 0; cycle < Cycles; cycle++)
            {
                for (int i = 0; i < Ports; i++)
                {
                    int length = feeds[i].Length / Cycles;
                    ptys[i].Write(feeds[i].AsSpan(cycle * length, cycle == Cycles - 1 ? feeds[i].Length - (cycle * length) : length));
                }
            }

            await Eventually.True(() => workers.Select((w, i) => w.Snapshot().Bytes == feeds[i].Length).All(b => b), "every byte read");
            ptys.ForEach(p => p.Dispose()); // the last epoch of each is handed out when its device goes
            await Eventually.True(() => sinks.All(s => s.Count == Cycles), "every epoch", seconds: 10);
            await stop.CancelAsync();
            await Task.WhenAll(runs);

            for (int i = 0; i < Ports; i++)
            {
                Assert.Equal(Enumerable.Range(1000 * i, Cycles).Select(s => (DateTime?)CycleBuilder.Start.AddSeconds(s)), sinks[i].Snapshot().Select(e => e.UtcTime));
                Assert.All(sinks[i].Snapshot(), e => Assert.Equal($"serial-{i}", e.Receiver));
            }
        }
        finally
        {
            await stop.CancelAsync();
            ptys.ForEach(p => p.Dispose());
            workers.ForEach(w => w.Dispose());
        }
    }

    internal static ReceiverWorker Worker(string port, IEpochSink sink, ListLogger? log = null, TimeSpan? backoffCap = null, RecordingOptions? recording = null, string io = "ports", string id = "serial-test")
    {
        var options = new ReceiverOptions
        {
            Id = id,
            Source = $"serial://{port}?baud=115200&io={io}",
            BackoffCap = backoffCap ?? TimeSpan.FromSeconds(1),
            Recording = recording,
        };
        IByteSource source = ByteSources.Create(SourceOptions.Parse(options.Source));
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

[CollectionDefinition(nameof(SerialWorkerTests), DisableParallelization = true)]
#pragma warning disable CA1711 // xunit's name for it
public sealed class SerialWorkerTestsCollection
#pragma warning restore CA1711
{
}
