using System.Collections.Concurrent;
using BeidouHub.Receiver.Sources;
using BeidouHub.Receiver.Tests.Support;
using BeidouHub.Receiver.Workers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Receiver.Tests.Workers;

/// <summary>
/// What the worker does when something other than the device fails: a bug is Faulted, logged as an
/// error with its stack trace, and the worker starts again after the backoff; a lost device stays
/// Disconnected as before. The source here is a test double (<see cref="ScriptedSource"/>): no real
/// source throws a non-I/O exception on purpose, and the fault must come from a known place. The
/// backoff runs on a <see cref="FakeTimeProvider"/>, so the restart is the clock's doing, not a wait.
/// </summary>
public class ReceiverWorkerTests
{
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task RunAsync_StreamThrowsNonIoException_FaultedWithTheMessageLoggedOnceAndRestarted()
    {
        byte[] first = NmeaText.Bytes(CycleBuilder.Cycles(3));
        byte[] second = NmeaText.Bytes(CycleBuilder.Cycles(3, startSecond: 100));
        var source = new ScriptedSource(
            "scripted",
            () => new ScriptedStream(first, new InvalidOperationException("assembler state broken (test)")),
            () => new ScriptedStream(second, end: null));
        var time = new FakeTimeProvider(CycleBuilder.Start);
        var log = new ListLogger();
        var sink = new ConcurrentSink();
        using var worker = Worker(source, sink, log, time);
        using var stop = new CancellationTokenSource();
        Task run = worker.RunAsync(stop.Token);

        await Eventually.True(() => worker.State == ReceiverState.Faulted, "the fault is reported");
        ReceiverStatus faulted = worker.Snapshot();
        Assert.Equal(1, faulted.Faults);
        Assert.Equal("InvalidOperationException: assembler state broken (test)", faulted.LastError);
        Assert.Equal(1, source.Opens);
        Assert.Equal(0, faulted.Reconnects);
        var errors = log.Lines.Where(l => l.Level == LogLevel.Error).ToList();
        var error = Assert.Single(errors);
        Assert.Contains("Receiver gnss-1 faulted", error.Message, StringComparison.Ordinal);
        Assert.Contains("assembler state broken (test)", error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(error.Exception); // the stack trace goes with it
        Assert.DoesNotContain(log.Lines, l => l.Level == LogLevel.Warning); // not reported as a lost device

        // The backoff is on the clock: moving it past the cap starts the worker again.
        await Eventually.True(() => Advance(time) && source.Opens == 2 && worker.State == ReceiverState.Connected, "restarted after the backoff");
        await Eventually.True(() => worker.Snapshot().Bytes == first.Length + second.Length, "the new stream read");
        await stop.CancelAsync();
        await run;

        Assert.Equal(1, worker.Snapshot().Faults);
        Assert.Single(log.Lines, l => l.Level == LogLevel.Error);
        Assert.Contains(sink.Snapshot(), e => e.UtcTime == CycleBuilder.Start.AddSeconds(100)); // the restarted stream's epochs arrive
        Assert.Equal(ReceiverState.Stopped, worker.State);
    }

    [Fact]
    public async Task RunAsync_StreamThrowsIOException_DisconnectedNotFaulted()
    {
        byte[] first = NmeaText.Bytes(CycleBuilder.Cycles(3));
        var source = new ScriptedSource(
            "scripted",
            () => new ScriptedStream(first, new IOException("Input/output error (test)")),
            () => new ScriptedStream([], end: null));
        var time = new FakeTimeProvider(CycleBuilder.Start);
        var log = new ListLogger();
        using var worker = Worker(source, new ConcurrentSink(), log, time);
        using var stop = new CancellationTokenSource();
        Task run = worker.RunAsync(stop.Token);

        await Eventually.True(() => worker.State == ReceiverState.Disconnected, "the device loss is reported");
        ReceiverStatus lost = worker.Snapshot();
        Assert.Equal(0, lost.Faults);
        Assert.Equal("Input/output error (test)", lost.LastError);
        Assert.Contains(log.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("gnss-1 lost", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, l => l.Level >= LogLevel.Error || l.Exception is not null);

        await Eventually.True(() => Advance(time) && worker.State == ReceiverState.Connected, "reconnected after the backoff");
        Assert.Equal(1, worker.Snapshot().Reconnects);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task RunAsync_OpenThrowsNonIoException_Faulted()
    {
        var source = new ScriptedSource("scripted", () => throw new ArgumentException("bad port settings object (test)"), () => new ScriptedStream([], end: null));
        var time = new FakeTimeProvider(CycleBuilder.Start);
        var log = new ListLogger();
        using var worker = Worker(source, new ConcurrentSink(), log, time);
        using var stop = new CancellationTokenSource();
        Task run = worker.RunAsync(stop.Token);

        await Eventually.True(() => worker.State == ReceiverState.Faulted, "the fault is reported");
        Assert.Equal("ArgumentException: bad port settings object (test)", worker.Snapshot().LastError);
        Assert.IsType<ArgumentException>(Assert.Single(log.Lines, l => l.Level == LogLevel.Error).Exception);

        await Eventually.True(() => Advance(time) && worker.State == ReceiverState.Connected, "restarted after the backoff");
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task RunAsync_SameFaultAtEveryRestart_StackTraceOnceThenAnErrorLineAMinute()
    {
        var source = new ScriptedSource("scripted", () => new ScriptedStream([], new InvalidOperationException("always (test)")));
        var time = new FakeTimeProvider(CycleBuilder.Start);
        var log = new ListLogger();
        using var worker = Worker(source, new ConcurrentSink(), log, time);
        using var stop = new CancellationTokenSource();
        Task run = worker.RunAsync(stop.Token);

        await Eventually.True(() => Advance(time) && worker.Snapshot().Faults >= 5, "five faults");
        int withTrace = log.Lines.Count(l => l.Exception is not null);
        int errorLines = log.Lines.Count(l => l.Level == LogLevel.Error);
        time.Advance(TimeSpan.FromMinutes(1));
        long faults = worker.Snapshot().Faults;
        await Eventually.True(() => Advance(time) && worker.Snapshot().Faults > faults, "the next fault, a minute later");
        await stop.CancelAsync();
        await run;

        Assert.Equal(1, withTrace);
        Assert.Equal(1, errorLines);
        Assert.Equal(1, log.Lines.Count(l => l.Exception is not null));
        Assert.Contains(log.Lines, l => l.Level == LogLevel.Error && l.Exception is null && l.Message.Contains("gnss-1 faulted again", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Level == LogLevel.Debug && l.Message.Contains("always (test)", StringComparison.Ordinal));
    }

    // Moves the fake clock a quarter of the backoff cap; true, so it can lead a condition.
    private static bool Advance(FakeTimeProvider time)
    {
        time.Advance(Cap / 4);
        return true;
    }

    private static ReceiverWorker Worker(ScriptedSource source, ConcurrentSink sink, ListLogger log, TimeProvider time) =>
        new(new ReceiverOptions { Id = "gnss-1", Source = source.Description, BackoffCap = Cap, IdleFlush = false }, source, sink, log, time);
}
