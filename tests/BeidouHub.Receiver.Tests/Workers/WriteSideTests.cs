using System.Net;
using System.Net.Sockets;
using BeidouHub.Receiver.Sources;
using BeidouHub.Receiver.Tests.Support;
using BeidouHub.Receiver.Workers;

namespace BeidouHub.Receiver.Tests.Workers;

/// <summary>
/// The receiver's write side (corrections go down the same connection the NMEA comes up): a real
/// pseudo-terminal read on its master side, a real TCP peer; replay takes no writes.
/// </summary>
[Collection(nameof(SerialWorkerTests))]
public class WriteSideTests
{
    [SkippableTheory]
    [MemberData(nameof(SerialWorkerTests.IoModes), MemberType = typeof(SerialWorkerTests))]
    public async Task TryWriteAsync_SerialPty_BytesArriveUnchangedAtTheMaster(string io)
    {
        Skip.IfNot(PseudoTerminal.IsSupported, "pseudo-terminals need Linux");
        using var pty = PseudoTerminal.Open();
        using ReceiverWorker worker = SerialWorkerTests.Worker(pty.SlavePath, new ConcurrentSink(), io: io);
        using var stop = new CancellationTokenSource();
        Assert.False(await worker.TryWriteAsync(new byte[] { 1 }, CancellationToken.None));
        Task run = worker.RunAsync(stop.Token);
        try
        {
            await Eventually.True(() => worker.AcceptsWrites, "the worker opens the pty");

            // Every byte value, CR and LF among them: a tty left cooked would turn LF into CR LF.
            byte[] rtcm = [.. RtcmFrames.Stream(20), .. Enumerable.Range(0, 256).Select(i => (byte)i)];
            Assert.True(await worker.TryWriteAsync(rtcm, CancellationToken.None));
            Assert.Equal(rtcm, await pty.ReadAsync(rtcm.Length));
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }

        Assert.False(worker.AcceptsWrites);
        Assert.False(await worker.TryWriteAsync(new byte[] { 1 }, CancellationToken.None));
    }

    [Fact]
    public async Task TryWriteAsync_TcpSource_BytesArriveAtThePeer()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var options = new ReceiverOptions { Id = "tcp-write", Source = $"tcp://127.0.0.1:{port}", BackoffCap = TimeSpan.FromMilliseconds(300) };
        using var worker = new ReceiverWorker(options, ByteSources.Create(SourceOptions.Parse(options.Source)), new ConcurrentSink(), new ListLogger());
        using var stop = new CancellationTokenSource();
        Task run = worker.RunAsync(stop.Token);
        try
        {
            using Socket peer = await listener.AcceptSocketAsync();
            await Eventually.True(() => worker.AcceptsWrites, "connected");
            byte[] rtcm = RtcmFrames.Stream(10);
            Assert.True(await worker.TryWriteAsync(rtcm, CancellationToken.None));
            byte[] got = new byte[rtcm.Length];
            int n = 0;
            while (n < got.Length)
            {
                int r = await peer.ReceiveAsync(got.AsMemory(n));
                Assert.True(r > 0, "the worker closed the connection");
                n += r;
            }

            Assert.Equal(rtcm, got);
        }
        finally
        {
            listener.Stop();
            await stop.CancelAsync();
            await run;
        }
    }

    [Fact]
    public async Task TryWriteAsync_ReplaySource_IsRefused()
    {
        string file = Path.Combine(AppContext.BaseDirectory, "Fixtures", "park-rtk-vehicle.nmea");
        var options = new ReceiverOptions { Id = "replay-write", Source = $"replay://{file}?speed=0&loop=true" };
        using var worker = new ReceiverWorker(options, ByteSources.Create(SourceOptions.Parse(options.Source)), new ConcurrentSink(), new ListLogger());
        using var stop = new CancellationTokenSource();
        Task run = worker.RunAsync(stop.Token);
        try
        {
            await Eventually.True(() => worker.Snapshot().Sentences > 0, "the replay runs");
            Assert.False(worker.AcceptsWrites);
            Assert.False(await worker.TryWriteAsync(RtcmFrames.Build(1005, 19), CancellationToken.None));
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }
}
