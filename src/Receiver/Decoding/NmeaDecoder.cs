using System.Buffers;
using System.IO.Pipelines;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Nmea;

namespace BeidouHub.Receiver.Decoding;

/// <summary>Options of a receiver's NMEA stream.</summary>
public sealed record NmeaDecoderOptions
{
    /// <summary>Longest accepted sentence in bytes (default 256; NMEA says 82, real receivers send more).</summary>
    public int MaxSentenceLength { get; init; } = NmeaFramer.DefaultMaxSentenceLength;

    /// <summary>Reject sentences without <c>*hh</c> (default false: accepted and counted, as gpsd 3.22 does; gpsd 3.27 rejects them).</summary>
    public bool RequireChecksum { get; init; }

    /// <summary>
    /// In <see cref="NmeaDecoder.RunAsync"/>, hand out the open epoch, once its position has come,
    /// when no byte has come for a quarter of the receiver's cycle (the interval between successive
    /// epoch times), as gpsd ends a cycle on a timeout: the cycle learner knows which sentence ends
    /// a cycle, but not that it will not come this time (an outage epoch without its GST), and the
    /// assembler would otherwise hold the epoch until the next one begins. Default false (files and pipes have no meaningful silences); the receiver
    /// workers turn it on.
    /// </summary>
    public bool IdleFlush { get; init; }
}

/// <summary>
/// One receiver's byte stream to epochs: framer, sentence parser, epoch assembler, with the
/// counters of each step. Synchronous core (<see cref="Decode"/>) plus a pipe loop
/// (<see cref="RunAsync"/>); no allocation per sentence or epoch.
/// </summary>
public sealed class NmeaDecoder
{
    private const int MaxCycleMs = 2000;
    private const double MinIdleMs = 5;

    private readonly bool _requireChecksum;
    private readonly CycleTap? _cycle;
    private readonly TimeProvider _time;

    /// <summary>Creates a decoder for one receiver; <paramref name="time"/> (default the system clock) times the idle flush.</summary>
    public NmeaDecoder(string receiver, IEpochSink sink, NmeaDecoderOptions? options = null, TimeProvider? time = null)
    {
        options ??= new NmeaDecoderOptions();
        _time = time ?? TimeProvider.System;
        Framer = new NmeaFramer(options.MaxSentenceLength);
        if (options.IdleFlush)
        {
            _cycle = new CycleTap(sink);
            sink = _cycle;
        }

        Assembler = new EpochAssembler(receiver, sink);
        _requireChecksum = options.RequireChecksum;
    }

    /// <summary>The framer, with its drop counters.</summary>
    public NmeaFramer Framer { get; }

    /// <summary>The epoch assembler.</summary>
    public EpochAssembler Assembler { get; }

    /// <summary>Sentence counters.</summary>
    public NmeaStatistics Statistics { get; } = new();

    /// <summary>
    /// Called by <see cref="RunAsync"/> with each block of newly read bytes, before they are decoded
    /// (the raw recorder's tee). Runs on the reading thread; keep it short.
    /// </summary>
    public Action<ReadOnlySequence<byte>>? BytesRead { get; set; }

    /// <summary>
    /// Decodes every complete sentence at the front of <paramref name="buffer"/> and advances it;
    /// what is left is an incomplete sentence to be continued by the next bytes.
    /// </summary>
    /// <param name="buffer">Unread bytes.</param>
    /// <param name="isFinalBlock">No more bytes will come: a last unterminated sentence is decoded and the open epoch handed out.</param>
    public void Decode(ref ReadOnlySequence<byte> buffer, bool isFinalBlock)
    {
        while (!buffer.IsEmpty)
        {
            // Sentences inside the first segment straight from its span; only a sentence that
            // straddles two segments goes through the sequence (and the framer's copy).
            ReadOnlySpan<byte> block = buffer.FirstSpan;
            bool onlySegment = buffer.IsSingleSegment;
            int offset = 0;
            int consumed;
            while (true)
            {
                // Most lines are "$...*hh" + CRLF: framed and parsed in one pass. The rest (and
                // what the framer must count) take the general path.
                if (Framer.TryParseLineInBlock(block[offset..], out consumed, out NmeaSentence sentence, out NmeaError error))
                {
                    offset += consumed;
                    Take(sentence, error);
                    continue;
                }

                offset += consumed;
                if (!Framer.TryReadSentenceInBlock(block[offset..], isFinalBlock && onlySegment, out consumed, out ReadOnlySpan<byte> line))
                {
                    break;
                }

                offset += consumed;
                DecodeSentence(line);
            }

            buffer = buffer.Slice(offset + consumed);
            if (onlySegment || !Framer.TryReadSentence(ref buffer, out ReadOnlySpan<byte> straddling, isFinalBlock))
            {
                break;
            }

            DecodeSentence(straddling);
        }

        if (isFinalBlock)
        {
            Assembler.Flush();
        }
    }

    /// <summary>Decodes one framed line (from its start character, without line end).</summary>
    public void DecodeSentence(ReadOnlySpan<byte> line)
    {
        _ = NmeaSentence.TryParse(line, out NmeaSentence sentence, out NmeaError error, _requireChecksum);
        Take(sentence, error);
    }

    // A parsed sentence (error None) goes to the assembler; a rejected line is counted.
    private void Take(in NmeaSentence sentence, NmeaError error)
    {
        if (error != NmeaError.None)
        {
            Statistics.CountError(error);
            return;
        }

        Statistics.CountSentence(sentence);
        if (!Assembler.Add(sentence))
        {
            Statistics.CountError(NmeaError.BadField);
        }
    }

    /// <summary>
    /// How long a silence hands out the open epoch (<see cref="NmeaDecoderOptions.IdleFlush"/>):
    /// a quarter of the last interval between epoch times, at least 5 ms; null when idle flush is
    /// off, no cycle is known yet, or the open epoch has not had its position sentences yet
    /// (nothing is open, or a silence cut the epoch's head: handing that out would split it).
    /// </summary>
    public TimeSpan? IdleFlushAfter =>
        _cycle is { CycleMs: > 0, PositionPending: true } c ? TimeSpan.FromMilliseconds(Math.Max(MinIdleMs, c.CycleMs / 4.0)) : null;

    /// <summary>
    /// Reads a pipe to its end (or cancellation), decoding as bytes arrive. With idle flush on, a
    /// timer cancels the pending read after <see cref="IdleFlushAfter"/> of silence and the loop
    /// flushes the assembler itself (so the assembler is only ever touched by this loop); a
    /// <see cref="PipeReader.CancelPendingRead"/> from elsewhere then does not end the loop.
    /// </summary>
    public async Task RunAsync(PipeReader reader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        IdleTimer? idle = _cycle is null ? null : new IdleTimer(reader, _time);
        try
        {
            await ReadLoopAsync(reader, idle, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            idle?.Dispose();
        }
    }

    private async Task ReadLoopAsync(PipeReader reader, IdleTimer? idle, CancellationToken cancellationToken)
    {
        long carried = 0;
        long lastBytes = _time.GetTimestamp();
        while (true)
        {
            ValueTask<ReadResult> read = reader.ReadAsync(cancellationToken);
            bool armed = false;
            if (idle is not null && !read.IsCompleted && IdleFlushAfter is { } after)
            {
                idle.Arm(after);
                armed = true;
            }

            ReadResult result = await read.ConfigureAwait(false);
            if (armed)
            {
                idle!.Disarm();
            }

            ReadOnlySequence<byte> buffer = result.Buffer;

            // The first `carried` bytes are an incomplete sentence already counted and tapped.
            ReadOnlySequence<byte> fresh = buffer.Slice(carried);
            Statistics.CountBytes(fresh.Length);
            if (!fresh.IsEmpty)
            {
                BytesRead?.Invoke(fresh);
            }

            Decode(ref buffer, result.IsCompleted);
            carried = buffer.Length;

            bool silent = fresh.IsEmpty;
            if (!silent)
            {
                lastBytes = _time.GetTimestamp();
            }

            // Consumed up to what was decoded; examined everything, so the next read waits for new bytes.
            reader.AdvanceTo(buffer.Start, buffer.End);

            if (result.IsCompleted)
            {
                break;
            }

            if (result.IsCanceled)
            {
                if (idle is null)
                {
                    break;
                }

                // With the idle timer, a cancelled read is the timer's (it owns CancelPendingRead;
                // the worker stops through the token). It may have fired just as bytes came, its
                // cancel then ending a later read: flush only after a real silence of the idle time.
                if (silent && IdleFlushAfter is { } idleAfter && _time.GetElapsedTime(lastBytes) >= idleAfter)
                {
                    Assembler.Flush();
                }
            }
        }
    }

    // Learns the cycle from the epochs' times, and whether the open epoch has had its position.
    private sealed class CycleTap(IEpochSink inner) : IEpochSink
    {
        private int? _lastTime;

        public int CycleMs { get; private set; }

        public bool PositionPending { get; private set; }

        public void OnPosition(Epoch epoch)
        {
            PositionPending = true;
            inner.OnPosition(epoch);
        }

        public void OnEpoch(Epoch epoch)
        {
            PositionPending = false;
            if (epoch.TimeOfDayMs is { } t)
            {
                if (_lastTime is { } last && t - last is > 0 and <= MaxCycleMs)
                {
                    CycleMs = t - last;
                }

                _lastTime = t;
            }

            inner.OnEpoch(epoch);
        }
    }

    // One timer per connection, re-armed while a read waits; firing cancels that read.
    private sealed class IdleTimer : IDisposable
    {
        private readonly ITimer _timer;

        public IdleTimer(PipeReader reader, TimeProvider time)
        {
            Reader = reader;
            _timer = time.CreateTimer(static s => ((IdleTimer)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        private PipeReader Reader { get; }

        public void Arm(TimeSpan after) => _timer.Change(after, Timeout.InfiniteTimeSpan);

        public void Disarm() => _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        public void Dispose() => _timer.Dispose();

        private void Fire()
        {
            try
            {
                Reader.CancelPendingRead();
            }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
            {
                // The connection ended as the timer fired (Dispose does not wait for a running
                // callback): nothing to cancel, and a throw here would end the process.
            }
        }
    }
}
