using System.Text;
using BeidouHub.Receiver.Sources;
using BeidouHub.Receiver.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Receiver.Tests.Sources;

/// <summary>
/// Replay pacing on a clock the test moves. The paced stream reads the capture from memory, so a
/// read that nothing holds back completes at once, and one that waits for a line's time completes
/// inside <see cref="FakeClock.AdvanceInline"/> (its delay is a timer of that clock): a read still
/// pending after an advance is one the pacing holds back.
/// </summary>
public sealed class ReplaySourceTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"beidouhub-replay-{Guid.NewGuid():N}.nmea");
    private readonly FakeTimeProvider _time = new(CycleBuilder.Start.AddHours(5));

    public void Dispose() => File.Delete(_file);

    [Theory]
    [InlineData(1, 1000)]
    [InlineData(10, 100)]
    [InlineData(0.5, 2000)]
    public async Task ReadAsync_AtASpeed_EachEpochWhenTheClockReachesItsUtcTimeOverTheSpeed(double speed, int msPerSecond)
    {
        // Three 1 Hz cycles: the first goes out at once, each next one when the clock has moved
        // one second of capture time over the speed, not a millisecond earlier; the untimed lines
        // (GSA, GSV) follow their cycle's timed ones at once.
        await using ReplayStream stream = Open(CycleBuilder.Cycles(3), speed, loop: false);
        var buffer = new byte[1 << 16];

        Assert.Equal(Text(CycleBuilder.Cycle(0)), await ReadNowAsync(stream, buffer));
        for (int second = 1; second < 3; second++)
        {
            ValueTask<int> read = stream.ReadAsync(buffer);
            _time.AdvanceInline(TimeSpan.FromMilliseconds(msPerSecond - 1));
            Assert.False(read.IsCompleted, $"cycle {second} out before its time");

            _time.AdvanceInline(TimeSpan.FromMilliseconds(1));
            Assert.True(read.IsCompleted, $"cycle {second} held back after its time");
            Assert.Equal(Text(CycleBuilder.Cycle(second)), Encoding.ASCII.GetString(buffer, 0, await read));
        }

        Assert.Equal(0, await stream.ReadAsync(buffer));
    }

    [Fact]
    public async Task ReadAsync_ClockLate_CatchesUpWithoutWaiting()
    {
        // The pace is the capture's times against the clock since the first line, not a pause per
        // line: when the reader comes late, every line already due goes out at once, in one read.
        await using ReplayStream stream = Open(CycleBuilder.Cycles(4), speed: 1, loop: false);
        var buffer = new byte[1 << 16];
        Assert.Equal(Text(CycleBuilder.Cycle(0)), await ReadNowAsync(stream, buffer));

        _time.AdvanceInline(TimeSpan.FromMilliseconds(2500));

        Assert.Equal(Text(CycleBuilder.Cycles(2, startSecond: 1)), await ReadNowAsync(stream, buffer));
        ValueTask<int> read = stream.ReadAsync(buffer);
        Assert.False(read.IsCompleted);
        _time.AdvanceInline(TimeSpan.FromMilliseconds(500));
        Assert.True(read.IsCompleted);
        Assert.Equal(Text(CycleBuilder.Cycle(3)), Encoding.ASCII.GetString(buffer, 0, await read));
    }

    [Fact]
    public async Task ReadAsync_SpeedZero_WholeCaptureWithoutTheClockMoving()
    {
        List<string> lines = [.. CycleBuilder.Cycles(30)];
        await using ReplayStream stream = Open(lines, speed: 0, loop: false);
        var buffer = new byte[1 << 16];
        var all = new StringBuilder();

        while (await ReadNowAsync(stream, buffer) is { Length: > 0 } text)
        {
            all.Append(text);
        }

        Assert.Equal(Text(lines), all.ToString());
    }

    [Fact]
    public async Task ReadAsync_Loop_StartsOverAtOnceThenKeepsThePace()
    {
        // At the end the capture starts over; its times jump back, which does not move the
        // capture's clock: the first cycle follows the last at once, the second a second later.
        await using ReplayStream stream = Open(CycleBuilder.Cycles(2), speed: 1, loop: true);
        var buffer = new byte[1 << 16];
        Assert.Equal(Text(CycleBuilder.Cycle(0)), await ReadNowAsync(stream, buffer));
        _time.AdvanceInline(TimeSpan.FromSeconds(1));
        Assert.Equal(Text(CycleBuilder.Cycle(1)), await ReadNowAsync(stream, buffer));

        Assert.Equal(Text(CycleBuilder.Cycle(0)), await ReadNowAsync(stream, buffer));
        ValueTask<int> read = stream.ReadAsync(buffer);
        _time.AdvanceInline(TimeSpan.FromMilliseconds(999));
        Assert.False(read.IsCompleted);
        _time.AdvanceInline(TimeSpan.FromMilliseconds(1));
        Assert.True(read.IsCompleted);
        Assert.Equal(Text(CycleBuilder.Cycle(1)), Encoding.ASCII.GetString(buffer, 0, await read));
    }

    [Fact]
    public async Task OpenAsync_GivenClock_PacesTheFileByIt()
    {
        // Two cycles 59 minutes apart: only the given clock can release the second in a test's time.
        await File.WriteAllBytesAsync(_file, NmeaText.Bytes(CycleBuilder.Cycle(0).Concat(CycleBuilder.Cycle(3540))));
        var source = new ReplaySource(new ReplaySourceOptions($"replay://{_file}", _file, 1, false), _time);
        await using Stream stream = await source.OpenAsync(CancellationToken.None);
        var buffer = new byte[1 << 16];
        Assert.Equal(Text(CycleBuilder.Cycle(0)), Encoding.ASCII.GetString(buffer, 0, await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(20))));

        Task<int> read = stream.ReadAsync(buffer).AsTask();
        _time.AdvanceInline(TimeSpan.FromMinutes(59));

        Assert.Equal(Text(CycleBuilder.Cycle(3540)), Encoding.ASCII.GetString(buffer, 0, await read.WaitAsync(TimeSpan.FromSeconds(20))));
    }

    private ReplayStream Open(IEnumerable<string> lines, double speed, bool loop) =>
        new ReplayStream(new MemoryStream(NmeaText.Bytes(lines)), speed, loop, _time);

    // A read the pacing must not hold back: it has completed when ReadAsync returns.
    private static async Task<string> ReadNowAsync(Stream stream, byte[] buffer)
    {
        ValueTask<int> read = stream.ReadAsync(buffer);
        Assert.True(read.IsCompleted, "held back with nothing due");
        return Encoding.ASCII.GetString(buffer, 0, await read);
    }

    private static string Text(IEnumerable<string> lines) => Encoding.ASCII.GetString(NmeaText.Bytes(lines));
}
