using BeidouHub.Geo;
using BeidouHub.Geo.Zones;
using BeidouHub.Receiver.Sources;
using BeidouHub.Receiver.Workers;
using BeidouHub.Service.Configuration;
using BeidouHub.Service.Hub;
using BeidouHub.Service.Receivers;
using BeidouHub.Service.Tests.Api;
using BeidouHub.Service.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Service.Tests.Receivers;

/// <summary>
/// The host keeps every receiver running on its own: one receiver's bug faults that receiver only,
/// and a worker whose task ends with an exception is run again, not lost until shutdown. The good
/// receiver is a real TCP connection; the faulty ones are a test source (<see cref="ScriptedSource"/>).
/// </summary>
public class ReceiverHostTests
{
    [Fact]
    public async Task ExecuteAsync_OneReceiverFaults_ItAloneIsFaultedAndLoggedOnce()
    {
        byte[] track = PositionsServiceTests.Track(27.8280);
        await using var feed = new ReceiverFeed();
        var buggy = new ScriptedSource("buggy", (track[..(track.Length / 2)], new InvalidOperationException("zone index corrupt (test)")));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 3, 0, 0, TimeSpan.Zero));
        var log = new ListLoggerProvider();
        using ReceiverHost host = Host(time, log, out PositionHub hub, ("good", ByteSources.Create(SourceOptions.Parse(feed.Uri))), ("buggy", buggy));
        using Subscription<PositionUpdate> good = hub.SubscribePositions(new PositionFilter(["good"], [], 0, 0, early: false));
        await host.StartAsync(CancellationToken.None);
        try
        {
            await feed.AcceptAsync();
            await feed.SendAsync(track);
            ReceiverWorker buggyWorker = host.Workers.Single(w => w.Id == "buggy");
            await Eventually.True(() => buggyWorker.State == ReceiverState.Faulted, "the buggy receiver faults");
            ReceiverWorker goodWorker = host.Workers.Single(w => w.Id == "good");
            await Eventually.True(() => goodWorker.Snapshot().Epochs >= 59, "the good receiver's epochs");

            Assert.Equal("InvalidOperationException: zone index corrupt (test)", buggyWorker.Snapshot().LastError);
            Assert.Equal((ReceiverState.Connected, 0L, 0L), (goodWorker.State, goodWorker.Snapshot().Faults, goodWorker.Snapshot().Reconnects));
            List<long> sequences = Queued.Drain(good).Select(u => u.Sequence).ToList();
            Assert.True(sequences.Count >= 59, $"{sequences.Count} positions of the good receiver");
            Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
            var error = Assert.Single(log.Lines, l => l.Level >= LogLevel.Error);
            Assert.Contains("Receiver buggy faulted", error.Message, StringComparison.Ordinal);
            Assert.IsType<InvalidOperationException>(error.Exception);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task ExecuteAsync_WorkerTaskEndsWithAnException_LoggedWithTheIdAndRunAgain()
    {
        // A StateChanged subscriber with a bug runs on the worker's thread: it throws at the change to
        // Connected (a fault), again at Faulted (out of the worker's fault handling) and at Stopped
        // (out of RunAsync). The host must log it and run the worker again.
        byte[] track = PositionsServiceTests.Track(27.8280);
        var source = new ScriptedSource("gate", (track, null));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 3, 0, 0, TimeSpan.Zero));
        var log = new ListLoggerProvider();
        using ReceiverHost host = Host(time, log, out PositionHub hub, ("gate", source));
        int throws = 3;
        host.StateChanged += _ =>
        {
            if (Interlocked.Decrement(ref throws) >= 0)
            {
                throw new InvalidOperationException("watcher bug (test)");
            }
        };
        await host.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.True(() => log.Lines.Any(l => l.Category == typeof(ReceiverHost).FullName && l.Level == LogLevel.Error), "the host reports the ended worker");
            await Eventually.True(() => Advance(time) && host.Workers[0].State == ReceiverState.Connected && source.Opens == 2, "the worker runs again");
            await Eventually.True(() => host.Workers[0].Snapshot().Epochs >= 59, "its epochs");

            var ended = Assert.Single(log.Lines, l => l.Category == typeof(ReceiverHost).FullName && l.Level >= LogLevel.Error);
            Assert.Contains("Receiver gate: its worker ended with an error", ended.Message, StringComparison.Ordinal);
            Assert.IsType<InvalidOperationException>(ended.Exception);
            Assert.True(hub.Published >= 59);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task ExecuteAsync_SummaryInterval_LoggedOnTheServiceClock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 3, 0, 0, TimeSpan.Zero));
        var log = new ListLoggerProvider();
        using ReceiverHost host = Host(time, log, out PositionHub _, ("gate", new ScriptedSource("gate", (PositionsServiceTests.Track(27.8280), null))));
        await host.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.True(() => host.Workers[0].Snapshot().Epochs >= 59, "the epochs");
            Assert.DoesNotContain(log.Lines, l => l.Message.Contains("positions/s", StringComparison.Ordinal));

            time.Advance(TimeSpan.FromSeconds(60)); // SummaryInterval's default

            await Eventually.True(() => log.Lines.Any(l => l.Message.StartsWith("1 receivers: ", StringComparison.Ordinal)), "the summary");
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static bool Advance(FakeTimeProvider time)
    {
        time.Advance(TimeSpan.FromMilliseconds(250));
        return true;
    }

    internal static ReceiverHost Host(TimeProvider time, ListLoggerProvider log, out PositionHub hub, params (string Id, IByteSource Source)[] receivers)
    {
        hub = new PositionHub(4096, TimeSpan.FromSeconds(60), time);
        GaussKrugerGrid grid = GaussKrugerGrid.FromEpsg(4547);
        var geo = new GeoPipeline(grid, null, new ZoneMonitor([], new ZoneMonitorOptions(), grid));
        IEnumerable<ReceiverPlan> plans = receivers.Select(r => new ReceiverPlan(
            new ReceiverOptions { Id = r.Id, Source = r.Source.Description, BackoffCap = TimeSpan.FromSeconds(1) }, r.Source)).ToList();
        return new ReceiverHost(plans, geo, hub, Microsoft.Extensions.Options.Options.Create(new BeidouHubOptions()), time, log.Factory());
    }
}
