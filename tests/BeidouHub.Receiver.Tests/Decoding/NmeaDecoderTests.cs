using System.IO.Pipelines;
using BeidouHub.Receiver.Decoding;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Receiver.Tests.Decoding;

/// <summary>
/// The idle flush of <see cref="NmeaDecoder.RunAsync"/> on a clock the test moves. The pipe runs
/// the decoder inline (no thread pool): a write, or a timer firing inside
/// <see cref="FakeTimeProvider.Advance"/>, has been fully decoded when the call returns, so what
/// has not happened by then will not happen.
/// </summary>
public class NmeaDecoderTests
{
    // CycleBuilder's cycles are 1 s apart: the idle flush waits a quarter of that.
    private static readonly TimeSpan QuarterCycle = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task RunAsync_EpochWithoutItsLastSentence_HandedOutAfterAQuarterCycleOfSilenceAndNotBefore()
    {
        // Five cycles teach that ZDA ends the cycle; the sixth lacks its ZDA and nothing follows.
        await using var run = new InlineRun();
        await run.WriteAsync(CycleBuilder.Cycles(5).Concat(CycleBuilder.Cycle(5).SkipLast(1)));
        Assert.Equal(5, run.Sink.Epochs.Count);

        run.Time.Advance(QuarterCycle - Tick);
        Assert.Equal(5, run.Sink.Epochs.Count);

        run.Time.Advance(Tick);
        Assert.Equal(6, run.Sink.Epochs.Count);
        Epoch sixth = run.Sink.Epochs[5];
        Assert.Equal(CycleBuilder.Start.AddSeconds(5), sixth.UtcTime);
        Assert.Equal(CycleBuilder.LatitudeDegrees(5), sixth.Latitude!.Value, 9);
        Assert.NotNull(sixth.SigmaLatitude); // everything up to the missing ZDA is in it

        run.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(6, run.Sink.Epochs.Count); // handed out once
    }

    [Fact]
    public async Task RunAsync_SilenceBeforeTheCycleIsKnown_NothingHandedOut()
    {
        // One epoch gives no cycle (it is learned from successive epoch times): no idle flush.
        await using var run = new InlineRun();
        await run.WriteAsync(CycleBuilder.Cycle(0).SkipLast(1));

        run.Time.Advance(TimeSpan.FromSeconds(10));

        Assert.Empty(run.Sink.Epochs);
        Assert.Null(run.Decoder.IdleFlushAfter);
    }

    [Theory]
    [InlineData(249, false)]
    [InlineData(250, true)]
    public async Task RunAsync_SentenceBySentenceWithGaps_OnlyAQuarterCycleGapCutsAnEpoch(int gapMs, bool cut)
    {
        // Gaps shorter than a quarter of the cycle never cut an epoch: the same epochs as decoding
        // the whole log at once. A gap of a quarter cycle after an epoch's position hands it out
        // before its sky and GST (they then count as late), which this shows is not what happens below it.
        List<string> lines = [.. CycleBuilder.Cycles(6)];
        await using var run = new InlineRun();
        foreach (string line in lines)
        {
            await run.WriteAsync([line]);
            run.Time.Advance(TimeSpan.FromMilliseconds(gapMs));
        }

        await run.CompleteAsync();

        List<string> expected = EpochText.Of(NmeaText.DecodeAll(lines, "decoder-test"));
        if (cut)
        {
            Assert.NotEqual(expected, EpochText.Of(run.Sink.Epochs));
        }
        else
        {
            Assert.Equal(expected, EpochText.Of(run.Sink.Epochs));
        }
    }

    [Fact]
    public async Task RunAsync_BytesKeepComingInLessThanAQuarterCycle_NoFlushWhateverTheTotalSilenceOfTheEpoch()
    {
        // The silence is counted from the last byte, not from the epoch's start: an epoch whose
        // sentences trickle in for longer than a quarter cycle is still handed out whole.
        await using var run = new InlineRun();
        await run.WriteAsync(CycleBuilder.Cycles(3));
        List<string> slow = [.. CycleBuilder.Cycle(3)];
        foreach (string line in slow.SkipLast(1))
        {
            await run.WriteAsync([line]);
            run.Time.Advance(QuarterCycle - Tick);
        }

        Assert.Equal(3, run.Sink.Epochs.Count);
        await run.WriteAsync([slow[^1]]);
        Assert.Equal(4, run.Sink.Epochs.Count);
        Assert.Equal(EpochText.Of(NmeaText.DecodeAll(CycleBuilder.Cycles(4), "decoder-test")), EpochText.Of(run.Sink.Epochs));
    }

    [Fact]
    public async Task RunAsync_ReadCancelledJustAfterBytes_NoFlushUntilAQuarterCycleWithoutBytes()
    {
        // The idle timer can fire just as bytes arrive; its cancel then ends the next read, right
        // after those bytes. That is not silence: the open epoch stays open until a quarter cycle
        // has passed since the last byte.
        await using var run = new InlineRun();
        await run.WriteAsync(CycleBuilder.Cycles(5));
        run.Time.Advance(TimeSpan.FromSeconds(10)); // a pause between complete epochs: nothing to flush
        await run.WriteAsync(CycleBuilder.Cycle(5).SkipLast(1));

        run.Pipe.Reader.CancelPendingRead(); // the late timer's cancel
        Assert.Equal(5, run.Sink.Epochs.Count);

        run.Time.Advance(QuarterCycle);
        Assert.Equal(6, run.Sink.Epochs.Count);
    }

    // A decoder with idle flush reading a pipe whose continuations run inline, on a fake clock.
    private sealed class InlineRun : IAsyncDisposable
    {
        private readonly Task _run;

        public InlineRun()
        {
            Decoder = new NmeaDecoder("decoder-test", Sink, new NmeaDecoderOptions { IdleFlush = true }, Time);
            _run = Decoder.RunAsync(Pipe.Reader);
        }

        public Pipe Pipe { get; } = new(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));

        public FakeTimeProvider Time { get; } = new(CycleBuilder.Start);

        public RecordingSink Sink { get; } = new();

        public NmeaDecoder Decoder { get; }

        public async Task WriteAsync(IEnumerable<string> lines)
        {
            await Pipe.Writer.WriteAsync(NmeaText.Bytes(lines));
            Assert.False(_run.IsCompleted, "the decoder loop ended");
        }

        public async Task CompleteAsync()
        {
            await Pipe.Writer.CompleteAsync();
            await _run;
        }

        public async ValueTask DisposeAsync() => await CompleteAsync();
    }
}
