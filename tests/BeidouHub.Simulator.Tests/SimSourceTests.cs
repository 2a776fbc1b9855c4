using BeidouHub.Receiver.Sources;
using BeidouHub.Receiver.Tests.Support;
using BeidouHub.Receiver.Workers;

namespace BeidouHub.Simulator.Tests;

public class SimSourceTests
{
    private static readonly SourceSchemes Schemes = SourceSchemes.Receiver.With(SimSourceOptions.Scheme);

    [Fact]
    public async Task RunAsync_SimAt10HzPacedAsSerial_LiveEpochsInThePark()
    {
        var sink = new ConcurrentSink();
        var options = new ReceiverOptions { Id = "sim-1", Source = "sim://?profile=gate&rate=10&seed=5&baud=115200" };
        using var worker = new ReceiverWorker(options, ByteSources.Create(Schemes.Parse(options.Source)), sink, new ListLogger());
        using var stop = new CancellationTokenSource();
        Task run = worker.RunAsync(stop.Token);

        await Eventually.True(() => sink.Count >= 8, "eight live epochs");
        await stop.CancelAsync();
        await run;

        List<Receiver.Epochs.Epoch> epochs = sink.Snapshot();
        Assert.All(epochs.Where(e => e.HasPosition), e =>
        {
            Assert.InRange(e.Latitude!.Value, 27.85, 27.87);
            Assert.InRange(e.Longitude!.Value, 113.16, 113.18);
        });

        // Live: epoch times are today's, 100 ms apart.
        Assert.All(epochs, e => Assert.InRange(e.UtcTime!.Value, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddSeconds(1)));
        Assert.All(epochs.Zip(epochs.Skip(1)), p => Assert.Equal(TimeSpan.FromMilliseconds(100), p.Second.UtcTime - p.First.UtcTime));
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
}
