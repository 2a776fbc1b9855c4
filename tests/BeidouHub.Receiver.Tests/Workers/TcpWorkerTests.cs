using System.Net;
using System.Net.Sockets;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Sources;
using BeidouHub.Receiver.Tests.Support;
using BeidouHub.Receiver.Workers;
using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Receiver.Tests.Workers;

/// <summary>The TCP source against a real listener on 127.0.0.1 in the test.</summary>
public class TcpWorkerTests
{
    [Fact]
    public async Task RunAsync_RefusedThenListening_ConnectsByItself()
    {
        // A socket bound to a free port but not listening refuses connections, and keeps the port
        // ours until it listens (no window for another process to take it).
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)server.LocalEndPoint!).Port;
        var sink = new ConcurrentSink();
        using ReceiverWorker worker = Worker(port, sink);
        using var stop = new CancellationTokenSource();
        Task run = worker.RunAsync(stop.Token);
        try
        {
            await Eventually.True(() => worker.State == ReceiverState.Disconnected && worker.Snapshot().LastError is not null, "refused is reported");

            server.Listen();
            using Socket peer = await server.AcceptAsync();
            await peer.SendAsync(NmeaText.Bytes(CycleBuilder.Cycles(3)));
            await Eventually.True(() => sink.Count == 3, "epochs after the listener came up");
            Assert.Equal(ReceiverState.Connected, worker.State);
        }
        finally
        {
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
        // Every sentence split across TCP segments. The worker's clock does not move, so no idle
        // flush can cut an epoch however slowly the bytes come: only the framing is under test
        // (the idle flush's timing is NmeaDecoderTests').
        List<string> lines = [.. CycleBuilder.Cycles(3)];
        byte[] bytes = NmeaText.Bytes(lines);
        using var listener = Listen(out int port);
        var sink = new ConcurrentSink();
        using ReceiverWorker worker = Worker(port, sink, time: new FakeTimeProvider(CycleBuilder.Start));
        using var stop = new CancellationTokenSource();
        Task run = worker.RunAsync(stop.Token);
        try
        {
            using (Socket peer = await listener.AcceptSocketAsync())
            {
                peer.NoDelay = true;
                for (int i = 0; i < bytes.Length; i++)
                {
                    await peer.SendAsync(bytes.AsMemory(i, 1));
                }

                await Eventually.True(() => worker.Snapshot().Bytes == bytes.Length, "every byte");
            }

            await Eventually.True(() => worker.State != ReceiverState.Connected, "peer closed");
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }

        Assert.Equal(EpochText.Of(NmeaText.DecodeAll(lines, "tcp-test")), EpochText.Of(sink.Snapshot()));
    }

    [Fact]
    public async Task RunAsync_EpochWithoutItsLastSentenceThenSilence_HandedOutOnTheWorkersClock()
    {
        // Five 1 Hz cycles teach that ZDA ends the cycle; the sixth lacks its ZDA (a receiver
        // that drops a sentence) and nothing follows: once the worker's clock has moved a quarter
        // cycle, the idle flush hands it out, with the connection still open.
        using var listener = Listen(out int port);
        var sink = new ConcurrentSink();
        var time = new FakeTimeProvider(CycleBuilder.Start);
        using ReceiverWorker worker = Worker(port, sink, time: time);
        using var stop = new CancellationTokenSource();
        Task run = worker.RunAsync(stop.Token);
        try
        {
            using Socket peer = await listener.AcceptSocketAsync();
            byte[] bytes = NmeaText.Bytes(CycleBuilder.Cycles(5).Concat(CycleBuilder.Cycle(5).SkipLast(1)));
            await peer.SendAsync(bytes);
            await Eventually.True(() => worker.Snapshot().Bytes == bytes.Length && sink.Count == 5, "five epochs, the sixth open");

            // The idle timer is armed once the worker waits for more bytes, which the test cannot
            // see: move the clock in small steps until the epoch comes (or 20 s of waiting pass).
            await Eventually.True(() =>
            {
                time.Advance(TimeSpan.FromMilliseconds(10));
                return sink.Count == 6;
            }, "the sixth epoch without its ZDA");
            Assert.Equal(ReceiverState.Connected, worker.State);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }

        List<Epoch> epochs = sink.Snapshot();
        Assert.Equal(Enumerable.Range(0, 6).Select(s => (DateTime?)CycleBuilder.Start.AddSeconds(s)), epochs.Select(e => e.UtcTime));
        Assert.Equal(CycleBuilder.LatitudeDegrees(5), epochs[5].Latitude!.Value, 9);
    }

    [Fact]
    public async Task RunAsync_OnlyGarbage_ReportedStaleThenConnectedWhenSentencesCome()
    {
        using var listener = Listen(out int port);
        var sink = new ConcurrentSink();
        var log = new ListLogger();
        var time = new FakeTimeProvider(CycleBuilder.Start);
        using ReceiverWorker worker = Worker(port, sink, log, staleAfter: TimeSpan.FromSeconds(5), time: time);
        using var stop = new CancellationTokenSource();
        Task run = worker.RunAsync(stop.Token);
        try
        {
            using Socket peer = await listener.AcceptSocketAsync();
            byte[] garbage = [0xB5, 0x62, 0x00, 0x01, 0x02, 0xFF, 0x0A];
            await Eventually.True(() => worker.State == ReceiverState.Connected, "connected");

            // Bytes keep coming but no sentence: stale once the clock has moved past StaleAfter.
            await Eventually.True(() =>
            {
                peer.Send(garbage);
                time.Advance(TimeSpan.FromMilliseconds(250));
                return worker.State == ReceiverState.Stale;
            }, "stale on garbage");
            Assert.True(time.GetUtcNow() - CycleBuilder.Start > TimeSpan.FromSeconds(5), "stale before StaleAfter");

            await peer.SendAsync(NmeaText.Bytes(CycleBuilder.Cycles(2)));
            await Eventually.True(() =>
            {
                time.Advance(TimeSpan.FromMilliseconds(250));
                return worker.State == ReceiverState.Connected;
            }, "connected again on sentences");
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }

        Assert.Contains(log.Lines, l => l.Message.Contains("stale", StringComparison.Ordinal));
        Assert.True(worker.Snapshot().FramingDrops["garbageBytes"] > 0);
    }

    // A listener on a port the system picks, kept open: its port is read back, never reused.
    private static TcpListener Listen(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }

    private static ReceiverWorker Worker(int port, ConcurrentSink sink, ListLogger? log = null, TimeSpan? staleAfter = null, TimeProvider? time = null)
    {
        var options = new ReceiverOptions
        {
            Id = "tcp-test",
            Source = $"tcp://127.0.0.1:{port}",
            BackoffCap = TimeSpan.FromMilliseconds(300),
            StaleAfter = staleAfter ?? TimeSpan.FromSeconds(5),
        };
        return new ReceiverWorker(options, new TcpSource((TcpSourceOptions)SourceOptions.Parse(options.Source)), sink, log ?? new ListLogger(), time);
    }
}
