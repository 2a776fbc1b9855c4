using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Sources;
using BeidouHub.Receiver.Tests.Support;
using BeidouHub.Receiver.Workers;

namespace BeidouHub.Receiver.Tests.Workers;

/// <summary>The TCP source against a real listener on 127.0.0.1 in the test.</summary>
public class TcpWorkerTests
{
    [Fact]
    public async Task RunAsync_RefusedThenListening_ConnectsByItself()
    {
        int port = FreePort();
        var sink = new ConcurrentSink();
        using ReceiverWorker worker = Worker(port, sink);
        using var stop = new CancellationTokenSource();
        Task run = worker.RunAsync(stop.Token);
        await Eventually.True(() => worker.State == ReceiverState.Disconnected && worker.Snapshot().LastError is not null, "refused is reported");

        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        try
        {
            using Socket peer = await listener.AcceptSocketAsync();
            await peer.SendAsync(NmeaText.Bytes(CycleBuilder.Cycles(3)));
            await Eventually.True(() => sink.Count == 3, "epochs after the listener came up");
            Assert.Equal(ReceiverState.Connected, worker.State);
        }
        finally
        {
            listener.Stop();
            await stop.CancelAsync();
            await run;
        }
    }

    [Fact]
    public async Task RunAsync_ResetMidSentence_ReconnectsAndKeepsEveryWholeEpoch()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        byte[] first = NmeaText.Bytes(CycleBuilder.Cycles(4));
        byte[] cut = NmeaText.Bytes(CycleBuilder.Cycle(4));
        byte[] second = NmeaText.Bytes(CycleBuilder.Cycles(4, startSecond: 50));
        var sink = new ConcurrentSink();
        using ReceiverWorker worker = Worker(port, sink);
        using var stop = new CancellationTokenSource();
        Task run = worker.RunAsync(stop.Token);
        try
        {
            using (Socket peer = await listener.AcceptSocketAsync())
            {
                await peer.SendAsync(first);
                await peer.SendAsync(cut.AsMemory(0, 40)); // half a GGA
                await Eventually.True(() => worker.Snapshot().Bytes == first.Length + 40, "bytes before the reset");
                peer.LingerState = new LingerOption(true, 0); // close with RST
            }

            using Socket again = await listener.AcceptSocketAsync();
            await Eventually.True(() => worker.Snapshot().Reconnects == 1, "reconnected");
            await again.SendAsync(second);
            await Eventually.True(() => sink.Count >= 8, "epochs of the second connection");
        }
        finally
        {
            listener.Stop();
            await stop.CancelAsync();
            await run;
        }

        List<DateTime?> times = sink.Snapshot().Select(e => e.UtcTime).ToList();
        var expected = Enumerable.Range(0, 4).Concat(Enumerable.Range(50, 4)).Select(s => (DateTime?)CycleBuilder.Start.AddSeconds(s)).ToList();
        Assert.Equal(expected, times);
    }

    [Fact]
    public async Task RunAsync_OneByteAtATime_SameEpochsAsDecode()
    {
        List<string> lines = [.. CyclesTwoSecondsApart(3)];
        byte[] bytes = NmeaText.Bytes(lines);
        List<Epoch> epochs = await PacedRunAsync([.. bytes.Select(b => new[] { b })], pauseEvery: 64, pause: TimeSpan.FromMilliseconds(1));
        Assert.Equal(EpochText.Of(NmeaText.DecodeAll(lines, "tcp-test")), EpochText.Of(epochs));
    }

    [Fact]
    public async Task RunAsync_EpochWithoutItsLastSentenceThenSilence_HandedOutWithoutTheNextEpoch()
    {
        // Five 1 Hz cycles teach that ZDA ends the cycle; the sixth lacks its ZDA (a receiver
        // that drops a sentence) and nothing follows: the idle flush hands it out anyway.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var sink = new ConcurrentSink();
        using ReceiverWorker worker = Worker(port, sink);
        using var stop = new CancellationTokenSource();
        Task run = worker.RunAsync(stop.Token);
        try
        {
            using Socket peer = await listener.AcceptSocketAsync();
            await peer.SendAsync(NmeaText.Bytes(CycleBuilder.Cycles(5).Concat(CycleBuilder.Cycle(5).SkipLast(1))));
            await Eventually.True(() => sink.Count == 6, "the sixth epoch without its ZDA, with the connection still open");
            Assert.Equal(ReceiverState.Connected, worker.State);
        }
        finally
        {
            listener.Stop();
            await stop.CancelAsync();
            await run;
        }

        List<Epoch> epochs = sink.Snapshot();
        Assert.Equal(Enumerable.Range(0, 6).Select(s => (DateTime?)CycleBuilder.Start.AddSeconds(s)), epochs.Select(e => e.UtcTime));
        Assert.Equal(CycleBuilder.LatitudeDegrees(5), epochs[5].Latitude!.Value, 9);
    }

    [Fact]
    public async Task RunAsync_SentencesWithGapsShorterThanAQuarterCycle_SameEpochsAsDecode()
    {
        // Sentence by sentence, 20 ms apart: no gap is a quarter of the cycle, so the idle flush
        // never cuts an epoch.
        List<string> lines = [.. CyclesTwoSecondsApart(4)];
        List<Epoch> epochs = await PacedRunAsync([.. lines.Select(l => NmeaText.Bytes([l]))], pauseEvery: 1, pause: TimeSpan.FromMilliseconds(20));
        Assert.Equal(4, epochs.Count);
        Assert.Equal(EpochText.Of(NmeaText.DecodeAll(lines, "tcp-test")), EpochText.Of(epochs));
    }

    [Fact]
    public async Task RunAsync_OnlyGarbage_ReportedStaleThenConnectedWhenSentencesCome()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var sink = new ConcurrentSink();
        var log = new ListLogger();
        using ReceiverWorker worker = Worker(port, sink, log, staleAfter: TimeSpan.FromMilliseconds(300));
        using var stop = new CancellationTokenSource();
        Task run = worker.RunAsync(stop.Token);
        try
        {
            using Socket peer = await listener.AcceptSocketAsync();
            for (int i = 0; i < 20; i++)
            {
                await peer.SendAsync(new byte[] { 0xB5, 0x62, 0x00, 0x01, 0x02, 0xFF, 0x0A });
                await Task.Delay(25);
            }

            await Eventually.True(() => worker.State == ReceiverState.Stale, "stale on garbage");
            await peer.SendAsync(NmeaText.Bytes(CycleBuilder.Cycles(2)));
            await Eventually.True(() => worker.State == ReceiverState.Connected, "connected again on sentences");
        }
        finally
        {
            listener.Stop();
            await stop.CancelAsync();
            await run;
        }

        Assert.Contains(log.Lines, l => l.Message.Contains("stale", StringComparison.Ordinal));
        Assert.True(worker.Snapshot().FramingDrops["garbageBytes"] > 0);
    }

    // The paced tests check that pauses shorter than the idle flush (a quarter of the receiver's
    // cycle without bytes) never cut an epoch. Their epochs are 2 s apart in time, a 500 ms
    // quarter, and the sender pauses for a few ms; but on a loaded machine (CI runs the test
    // assemblies side by side on two cores) the sender itself can stall for that long, and such a
    // run shows nothing about the worker. It is run again, up to three times in all.
    private static readonly TimeSpan PacedQuarterCycle = TimeSpan.FromMilliseconds(500);

    private static IEnumerable<string> CyclesTwoSecondsApart(int count) =>
        Enumerable.Range(0, count).SelectMany(i => CycleBuilder.Cycle(2 * i));

    private static async Task<List<Epoch>> PacedRunAsync(IReadOnlyList<byte[]> chunks, int pauseEvery, TimeSpan pause)
    {
        var stalls = new List<string>();
        for (int attempt = 0; attempt < 3; attempt++)
        {
            (List<Epoch> epochs, TimeSpan longest) = await PacedOnceAsync(chunks, pauseEvery, pause);
            if (longest < PacedQuarterCycle / 2)
            {
                return epochs;
            }

            stalls.Add($"{longest.TotalMilliseconds:0} ms");
        }

        Assert.Fail($"the sender stalled in every run (longest silence {string.Join(", ", stalls)}; the idle flush cuts after {PacedQuarterCycle.TotalMilliseconds} ms): nothing shown");
        return [];
    }

    // Sends the chunks with a pause after every pauseEvery-th, waits until the worker has every
    // byte, closes the connection (handing out the last epoch) and returns the epochs with the
    // longest silence the sender made between two chunks.
    private static async Task<(List<Epoch> Epochs, TimeSpan Longest)> PacedOnceAsync(IReadOnlyList<byte[]> chunks, int pauseEvery, TimeSpan pause)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var sink = new ConcurrentSink();
        using ReceiverWorker worker = Worker(port, sink);
        using var stop = new CancellationTokenSource();
        Task run = worker.RunAsync(stop.Token);
        TimeSpan longest = TimeSpan.Zero;
        try
        {
            using (Socket peer = await listener.AcceptSocketAsync())
            {
                peer.NoDelay = true;
                long last = Stopwatch.GetTimestamp();
                for (int i = 0; i < chunks.Count; i++)
                {
                    await peer.SendAsync(chunks[i]);
                    TimeSpan silence = Stopwatch.GetElapsedTime(last);
                    longest = silence > longest ? silence : longest;
                    last = Stopwatch.GetTimestamp();
                    if ((i + 1) % pauseEvery == 0)
                    {
                        await Task.Delay(pause);
                    }
                }

                long total = chunks.Sum(c => (long)c.Length);
                await Eventually.True(() => worker.Snapshot().Bytes == total, "every byte");
            }

            await Eventually.True(() => worker.State != ReceiverState.Connected, "peer closed");
        }
        finally
        {
            listener.Stop();
            await stop.CancelAsync();
            await run;
        }

        return (sink.Snapshot(), longest);
    }

    private static ReceiverWorker Worker(int port, ConcurrentSink sink, ListLogger? log = null, TimeSpan? staleAfter = null)
    {
        var options = new ReceiverOptions
        {
            Id = "tcp-test",
            Source = $"tcp://127.0.0.1:{port}",
            BackoffCap = TimeSpan.FromMilliseconds(300),
            StaleAfter = staleAfter ?? TimeSpan.FromSeconds(5),
        };
        return new ReceiverWorker(options, new TcpSource((TcpSourceOptions)SourceOptions.Parse(options.Source)), sink, log ?? new ListLogger());
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
