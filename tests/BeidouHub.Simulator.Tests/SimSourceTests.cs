using System.Buffers;
using BeidouHub.Receiver.Sources;
using BeidouHub.Receiver.Workers;
using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Simulator.Tests;

public class SimSourceTests
{
    private static readonly SourceSchemes Schemes = SourceSchemes.Receiver.With(SimSourceOptions.Scheme);

    // The clock 30 ms into a 10 Hz interval: the source's first epoch is at the next whole interval.
    private static readonly DateTime Opened = new(2026, 11, 27, 2, 0, 0, 30, DateTimeKind.Utc);
    private static readonly DateTime FirstEpoch = new(2026, 11, 27, 2, 0, 0, 100, DateTimeKind.Utc);

    [Fact]
    public async Task RunAsync_SimAt10HzPacedAsSerial_LiveEpochsInTheParkAtTheClocksTime()
    {
        var time = new FakeTimeProvider(Opened);
        var sink = new ConcurrentSink();
        var options = new ReceiverOptions { Id = "sim-1", Source = "sim://?profile=gate&rate=10&seed=5&baud=115200" };
        using var worker = new ReceiverWorker(options, ByteSources.Create(Schemes.Parse(options.Source), time), sink, new ListLogger(), time);
        using var stop = new CancellationTokenSource();
        Task run = worker.RunAsync(stop.Token);

        await Eventually.True(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            return sink.Count >= 8;
        }, "eight live epochs");
        await stop.CancelAsync();
        await run;

        List<Receiver.Epochs.Epoch> epochs = sink.Snapshot();
        Assert.All(epochs.Where(e => e.HasPosition), e =>
        {
            Assert.InRange(e.Latitude!.Value, 27.85, 27.87);
            Assert.InRange(e.Longitude!.Value, 113.16, 113.18);
        });

        // Live: the first epoch at the clock's next whole 100 ms, then every 100 ms, none ahead of the clock.
        Assert.Equal(FirstEpoch, epochs[0].UtcTime);
        Assert.All(epochs.Zip(epochs.Skip(1)), p => Assert.Equal(TimeSpan.FromMilliseconds(100), p.Second.UtcTime - p.First.UtcTime));
        Assert.True(epochs[^1].UtcTime <= time.GetUtcNow().UtcDateTime);
    }

    [Fact]
    public async Task ReadAsync_EachEpoch_WhenTheClockReachesItsTimeAndNotBefore()
    {
        var time = new FakeTimeProvider(Opened);
        SimSource source = Create("sim://?profile=gate&rate=10&seed=5", time);
        await using Stream stream = await source.OpenAsync(CancellationToken.None);
        var expected = new NmeaSimulator(source.Receiver with { Start = FirstEpoch });
        var buffer = new byte[1 << 16];

        TimeSpan wait = FirstEpoch - Opened;
        for (int index = 0; index < 3; index++)
        {
            ValueTask<int> read = stream.ReadAsync(buffer);
            time.AdvanceInline(wait - TimeSpan.FromMilliseconds(1));
            Assert.False(read.IsCompleted, $"epoch {index} before its time");
            time.AdvanceInline(TimeSpan.FromMilliseconds(1));
            Assert.True(read.IsCompleted, $"epoch {index} held back at its time");

            var epoch = new ArrayBufferWriter<byte>();
            expected.WriteEpoch(index, epoch);
            Assert.Equal(epoch.WrittenSpan.ToArray(), buffer.AsSpan(0, await read).ToArray());
            wait = expected.Interval;
        }
    }

    [Fact]
    public async Task ReadAsync_Baud_TheEpochsBytesAsTheLineDeliversThem()
    {
        // 10000 baud, 8N1: 1000 bytes per second, one per millisecond from the epoch's time.
        var time = new FakeTimeProvider(Opened);
        SimSource source = Create("sim://?profile=gate&rate=10&seed=5&baud=10000", time);
        await using Stream stream = await source.OpenAsync(CancellationToken.None);
        var epoch = new ArrayBufferWriter<byte>();
        new NmeaSimulator(source.Receiver with { Start = FirstEpoch }).WriteEpoch(0, epoch);
        var buffer = new byte[1 << 16];

        ValueTask<int> first = stream.ReadAsync(buffer);
        time.AdvanceInline(FirstEpoch - Opened);
        Assert.False(first.IsCompleted, "bytes before the line carried any");
        time.AdvanceInline(TimeSpan.FromMilliseconds(100));
        Assert.True(first.IsCompleted, "bytes held back after the line carried them");
        Assert.Equal(epoch.WrittenSpan[..100].ToArray(), buffer.AsSpan(0, await first).ToArray());

        ValueTask<int> second = stream.ReadAsync(buffer);
        Assert.False(second.IsCompleted, "bytes ahead of the line");
        time.AdvanceInline(TimeSpan.FromMilliseconds(50));
        Assert.True(second.IsCompleted, "bytes held back after the line carried them");
        Assert.Equal(epoch.WrittenSpan[100..150].ToArray(), buffer.AsSpan(0, await second).ToArray());
        Assert.True(epoch.WrittenCount > 150);
    }

    [Theory]
    [InlineData("sim://?profile=boat", "profile=boat")]
    [InlineData("sim://?rate=50", "rate=50")]
    [InlineData("sim://?colour=red", "unknown parameter 'colour'")]
    [InlineData("sim://?fleet=3&index=3", "index=3 is not below fleet=3")]
    public void TryCreate_BadParameter_SaysWhich(string uri, string message)
    {
        Assert.False(ByteSources.TryCreate(Schemes.Parse(uri), out _, out string? error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    private static SimSource Create(string uri, TimeProvider time)
    {
        Assert.True(SimSource.TryCreate((SimSourceOptions)Schemes.Parse(uri), time, out SimSource? source, out string? error), error);
        return source!;
    }
}
