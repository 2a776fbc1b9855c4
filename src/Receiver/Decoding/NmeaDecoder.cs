using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
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
        var direct = new Direct(this);
        Frame(ref buffer, isFinalBlock, ref direct);
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

    /// <summary>
    /// Decodes a stream to its end in two stages, for a file on a machine with a second core: a
    /// thread of its own reads blocks of <paramref name="blockSize"/> bytes, frames them and parses
    /// every sentence (the checksum, the field positions, the address), while the calling thread
    /// assembles the epochs and hands them to the sink: so the sink is called from the caller's
    /// thread only, as with <see cref="RunAsync"/>. The result is the same as <see cref="RunAsync"/>
    /// over the same bytes in the same blocks, counters included. A failed read is thrown here
    /// after everything read before it is decoded (the open epoch is not handed out, as with
    /// <see cref="RunAsync"/>).
    /// </summary>
    public void RunInTwoStages(Stream input, int blockSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 16);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var free = new Handoff<FramedBlock>();
        var full = new Handoff<FramedBlock>();
        for (int i = 0; i < FramedBlocks; i++)
        {
            free.Add(new FramedBlock(blockSize));
        }

        ExceptionDispatchInfo? framingFailed = null;
        var framing = new Thread(() => framingFailed = FrameAll(input, blockSize, free, full, stop.Token)) { IsBackground = true, Name = "decode framing" };
        framing.Start();
        try
        {
            while (true)
            {
                if (!full.TryTake(out FramedBlock block, stop.Token))
                {
                    // The framing thread failed outside a read (it completes the hand-over then).
                    framing.Join();
                    framingFailed!.Throw();
                }

                Statistics.CountBytes(block.Fresh);
                if (block.Fresh > 0)
                {
                    BytesRead?.Invoke(new ReadOnlySequence<byte>(block.Bytes, block.Length - block.Fresh, block.Fresh));
                }

                block.Replay(this);
                block.Failure?.Throw();
                if (block.IsFinal)
                {
                    Assembler.Flush();
                    return;
                }

                free.Add(block);
            }
        }
        finally
        {
            stop.Cancel();
            framing.Join();
        }
    }

    // Blocks in flight between the two stages: one being framed, one being assembled, one spare.
    private const int FramedBlocks = 3;

    // The first stage of RunInTwoStages: read, frame and parse, block by block. The incomplete
    // sentence at a block's end is carried to the front of the next, as BlockPipeReader does. A
    // failed read goes with its block; any other failure is returned, with the hand-over completed
    // so that the assembling thread stops waiting. Nothing is thrown out of the thread.
    private ExceptionDispatchInfo? FrameAll(Stream input, int blockSize, Handoff<FramedBlock> free, Handoff<FramedBlock> full, CancellationToken cancellationToken)
    {
        byte[] carry = new byte[256];
        int carried = 0;
        int size = blockSize;
        try
        {
            while (true)
            {
                FramedBlock block = free.Take(cancellationToken);
                if (carried == size)
                {
                    // A block's worth without a sentence end: read on into a larger one.
                    size *= 2;
                }

                block.Clear(size);
                carry.AsSpan(0, carried).CopyTo(block.Bytes);
                try
                {
                    int n = input.Read(block.Bytes, carried, size - carried);
                    block.Length = carried + n;
                    block.Fresh = n;
                    block.IsFinal = n == 0;
                    var bytes = new ReadOnlySequence<byte>(block.Bytes, 0, block.Length);
                    var keep = new Keep(block);
                    Frame(ref bytes, block.IsFinal, ref keep);
                    carried = (int)bytes.Length;
                    if (carried > carry.Length)
                    {
                        carry = new byte[Math.Max(carried, carry.Length * 2)];
                    }

                    bytes.CopyTo(carry);
                }
                catch (Exception e)
                {
                    // Thrown on the assembling thread, after what came before it.
                    block.Failure = ExceptionDispatchInfo.Capture(e);
                }

                full.Add(block);
                if (block.IsFinal || block.Failure is not null)
                {
                    return null;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The assembling thread stopped (cancelled, or its sink failed); it has what it needs.
            return null;
        }
        catch (Exception e)
        {
            full.Complete();
            return ExceptionDispatchInfo.Capture(e);
        }
    }

    // The framing loop of both paths: each line parsed (or rejected) goes to the taker.
    private void Frame<TTaker>(ref ReadOnlySequence<byte> buffer, bool isFinalBlock, ref TTaker taker)
        where TTaker : struct, ISentenceTaker
    {
        while (!buffer.IsEmpty)
        {
            // Sentences inside the first segment straight from its span; only a sentence that
            // straddles two segments goes through the sequence (and the framer's copy).
            ReadOnlySpan<byte> block = buffer.FirstSpan;
            bool onlySegment = buffer.IsSingleSegment;
            int offset = 0;
            int consumed;
            NmeaSentence sentence;
            NmeaError error;
            while (true)
            {
                // Most lines are "$...*hh" + CRLF: framed and parsed in one pass. The rest (and
                // what the framer must count) take the general path.
                if (Framer.TryParseLineInBlock(block[offset..], out consumed, out sentence, out error))
                {
                    offset += consumed;
                    taker.Take(sentence, error);
                    continue;
                }

                offset += consumed;
                if (!Framer.TryReadSentenceInBlock(block[offset..], isFinalBlock && onlySegment, out consumed, out ReadOnlySpan<byte> line))
                {
                    break;
                }

                offset += consumed;
                _ = NmeaSentence.TryParse(line, out sentence, out error, _requireChecksum);
                taker.Take(sentence, error);
            }

            buffer = buffer.Slice(offset + consumed);
            if (onlySegment || !Framer.TryReadSentence(ref buffer, out ReadOnlySpan<byte> straddling, isFinalBlock))
            {
                break;
            }

            _ = NmeaSentence.TryParse(straddling, out NmeaSentence joined, out NmeaError joinedError, _requireChecksum);
            taker.Take(joined, joinedError);
        }
    }

    // A parsed sentence (error None) goes to the assembler; a rejected line is counted.
    internal void Take(in NmeaSentence sentence, NmeaError error)
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

    // What the framing loop does with a line: Direct decodes it now, Keep keeps it in a
    // FramedBlock for the assembling thread (RunInTwoStages). Structs, so that each path gets its
    // own compiled loop with the call inlined.
    private interface ISentenceTaker
    {
        void Take(in NmeaSentence sentence, NmeaError error);
    }

    private readonly struct Direct(NmeaDecoder decoder) : ISentenceTaker
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Take(in NmeaSentence sentence, NmeaError error) => decoder.Take(sentence, error);
    }

    private readonly struct Keep(FramedBlock block) : ISentenceTaker
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Take(in NmeaSentence sentence, NmeaError error) => block.Add(sentence, error);
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
