using BeidouHub.Receiver.Decoding;
using BeidouHub.Receiver.Epochs;

namespace BeidouHub.Receiver.Tests.Support;

/// <summary>
/// Feeds a receiver's cycles one sentence at a time, as its worker decodes them with idle flush
/// on, and says where each cycle's epoch was handed out. Between two cycles the line is silent
/// (at 115200 baud a 10 Hz fix-only cycle takes ~35 ms of its 100 ms), so when the position has
/// gone out and the epoch has not, the worker's idle flush hands it out
/// (<see cref="NmeaDecoder.IdleFlushAfter"/>: a quarter cycle after the last byte, only once the
/// position is out). Without the timer: the flush is called where it would fire.
/// </summary>
internal sealed class IdleFlushFeed
{
    public IdleFlushFeed(string receiver = "r10")
    {
        Decoder = new NmeaDecoder(receiver, Sink);
    }

    public RecordingSink Sink { get; } = new();

    public NmeaDecoder Decoder { get; }

    /// <summary>
    /// Feeds one cycle (its sentences all of one UTC time) and the silence after it.
    /// <paramref name="silenceAfter"/>: the line also falls silent after that many of its
    /// sentences (a stalled sender), long enough for the idle flush.
    /// </summary>
    public Handout Feed(IReadOnlyList<string> cycle, int timeOfDayMs, int silenceAfter = -1)
    {
        int at = -1;
        bool cut = false;
        for (int i = 0; i < cycle.Count; i++)
        {
            if (i == silenceAfter && at < 0 && PositionOut(timeOfDayMs))
            {
                Decoder.Assembler.Flush();
                cut = true;
            }

            NmeaText.Feed(Decoder, [cycle[i]]);
            if (at < 0 && Sink.Epochs.Count > 0 && Sink.Epochs[^1].TimeOfDayMs == timeOfDayMs)
            {
                at = i;
            }
        }

        if (cut)
        {
            return Handout.IdleFlush;
        }

        if (at == cycle.Count - 1)
        {
            return Handout.AtLastSentence;
        }

        if (at >= 0)
        {
            return Handout.BeforeLastSentence;
        }

        if (PositionOut(timeOfDayMs))
        {
            Decoder.Assembler.Flush();
            return Handout.IdleFlush;
        }

        // Nothing to flush yet: the next cycle's first sentence will end it.
        return Handout.NextCycle;
    }

    private bool PositionOut(int timeOfDayMs) => Sink.Positions.Count > 0 && Sink.Positions[^1].TimeOfDayMs == timeOfDayMs;

    /// <summary>Where a cycle's epoch was handed out.</summary>
    public enum Handout
    {
        /// <summary>At the cycle's last sentence: on time.</summary>
        AtLastSentence,

        /// <summary>Before the cycle's last sentence: the rest of it came late.</summary>
        BeforeLastSentence,

        /// <summary>By the idle flush, a quarter cycle after the last sentence.</summary>
        IdleFlush,

        /// <summary>By the next cycle's first sentence (its position had not gone out either).</summary>
        NextCycle,
    }
}
