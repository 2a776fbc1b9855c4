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
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        byte[] bytes = NmeaText.Bytes(CycleBuilder.Cycles(3));
        List<string> expected = EpochText.Of(SerialWorkerTests.DecodeAll(bytes, "tcp-test"));
        var sink = new ConcurrentSink();
        using ReceiverWorker worker = Worker(port, sink);
        using var stop = new CancellationTokenSource();
        Task run = worker.RunAsync(stop.Token);
        try
        {
            using Socket peer = await listener.AcceptSocketAsync();
            peer.NoDelay = true;
            for (int i = 0; i < bytes.Length; i++)
            {
                await peer.SendAsync(bytes.AsMemory(i, 1));
                if (i % 64 == 0)
                {
                    await Task.Delay(1);
                }
            }

            await Eventually.True(() => worker.Snapshot().Bytes == bytes.Length, "every byte");
        }
        finally
        {
            listener.Stop();
        }

        await Eventually.True(() => worker.State != ReceiverState.Connected, "peer closed");
        await stop.CancelAsync();
        await run;
        Assert.Equal(expected, EpochText.Of(sink.Snapshot()));
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
        // 1 Hz cycles sentence by sentence, 20 ms apart: no gap is a quarter of the cycle, so
        // the idle flush never cuts an epoch.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        List<string> lines = [.. CycleBuilder.Cycles(4)];
        List<string> expected = EpochText.Of(NmeaText.DecodeAll(lines, "tcp-test"));
        var sink = new ConcurrentSink();
        using ReceiverWorker worker = Worker(port, sink);
        using var stop = new CancellationTokenSource();
        Task run = worker.RunAsync(stop.Token);
        try
        {
            using Socket peer = await listener.AcceptSocketAsync();
            peer.NoDelay = true;
            foreach (string line in lines)
            {
                await peer.SendAsync(NmeaText.Bytes([line]));
                await Task.Delay(20);
            }

            await Eventually.True(() => sink.Count == 4, "every epoch");
        }
        finally
        {
            listener.Stop();
            await stop.CancelAsync();
            await run;
        }

        Assert.Equal(expected, EpochText.Of(sink.Snapshot()));
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
