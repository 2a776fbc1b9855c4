using System.Diagnostics;
using System.Runtime.InteropServices;

namespace BeidouHub.Bench.Load;

/// <summary>
/// Plays N receivers from one thread: each replays the seed's epochs from its own offset in the
/// file (original NMEA times kept), R epochs per second, the bytes paced as a UART at the given
/// baud rate sends them (10 bits a byte): a sentence is written when its last byte would have
/// left the UART, each epoch's output starting at its epoch instant or, when the previous
/// epoch's output is still going out, right after it. Epoch instants are the same for all
/// receivers (aligned, as receivers on GPS time) or spread evenly over the period (staggered).
/// <para>
/// One thread, one priority queue of (receiver, when its next sentence is due); it wakes every
/// <c>tick</c> and writes what is due. Before the write that carries the last byte of an epoch's
/// position sentences (GGA, RMC, GNS, GLL) it records the Stopwatch time as the epoch's EARLY
/// stamp, before the write that carries the epoch's last byte its COMPLETE stamp, in a ring per
/// receiver that subscribers look up by (receiver, epoch).
/// </para>
/// </summary>
internal sealed partial class Feeder
{
    /// <summary>Epochs remembered per receiver: 64 at 10 Hz is 6.4 s, far beyond any latency that still counts.</summary>
    public const int Ring = 64;

    private readonly SeedEpochs _seed;
    private readonly bool _parts;
    private readonly IFeedTransport _transport;
    private readonly int _receivers;
    private readonly long _period;
    private readonly double _ticksPerByte;
    private readonly long _tick;
    private readonly long _windowStart;
    private readonly long _windowEnd;

    // Per receiver.
    private readonly int[] _epoch;
    private readonly int[] _sentence;
    private readonly long[] _epochStart;
    private readonly long[] _uartFree;
    private readonly byte[]?[] _backlog;
    private readonly int[] _backlogLength;

    // Per receiver and ring slot: which epoch, its stamps.
    private readonly int[] _slotEpoch;
    private readonly long[] _earlyStamp;
    private readonly long[] _completeStamp;

    public Feeder(SeedEpochs seed, IFeedTransport transport, int receivers, int rateHz, int baud, bool staggered, bool parts, long start, TimeSpan tick, long windowStart, long windowEnd)
    {
        _seed = seed;
        _parts = parts;
        _transport = transport;
        _receivers = receivers;
        _period = Stopwatch.Frequency / rateHz;
        _ticksPerByte = baud > 0 ? 10.0 * Stopwatch.Frequency / baud : 0;
        _tick = (long)(tick.TotalSeconds * Stopwatch.Frequency);
        _windowStart = windowStart;
        _windowEnd = windowEnd;
        _epoch = new int[receivers];
        _sentence = new int[receivers];
        _epochStart = new long[receivers];
        _uartFree = new long[receivers];
        _backlog = new byte[receivers][];
        _backlogLength = new int[receivers];
        _slotEpoch = new int[receivers * Ring];
        _earlyStamp = new long[receivers * Ring];
        _completeStamp = new long[receivers * Ring];
        Array.Fill(_slotEpoch, -1);
        for (int r = 0; r < receivers; r++)
        {
            // A prime stride spreads the receivers over the file, and so their 1 Hz sky epochs
            // over the ten 100 ms slots of a second.
            _epoch[r] = (int)((long)r * 7919 % seed.Count);
            _epochStart[r] = start + (staggered ? (long)r * _period / receivers : 0);
            _uartFree[r] = _epochStart[r];
        }
    }

    /// <summary>Lateness of each write against its UART-paced due time.</summary>
    public LatencyHistogram Lateness { get; } = new();

    /// <summary>Epochs whose EARLY / COMPLETE stamp fell in the measured window (what subscribers should receive each).</summary>
    public long EarlyInWindow { get; private set; }

    public long CompleteInWindow { get; private set; }

    public long Epochs { get; private set; }

    public long Writes { get; private set; }

    public long Bytes { get; private set; }

    /// <summary>Writes the kernel did not take whole (its buffer to the service was full): the service fell behind reading.</summary>
    public long Stalls { get; private set; }

    /// <summary>The feeder thread's Linux thread id (for its CPU time), 0 until it runs.</summary>
    public int ThreadId { get; private set; }

    /// <summary>Receivers whose connection the service closed (no longer fed).</summary>
    public int Lost { get; private set; }

    /// <summary>The first error (a lost receiver's, or the one that stopped the feeder).</summary>
    public Exception? Error { get; private set; }

    /// <summary>
    /// The stamp of receiver r's epoch (index in the seed); 0 when the epoch is not (or no longer)
    /// in the ring; -1 when it is, but the stamped byte has not been written yet (the service
    /// handed the position out before the bytes it stands for were all sent).
    /// </summary>
    public long Stamp(int receiver, int epoch, bool complete)
    {
        int slot = (receiver * Ring) + (epoch & (Ring - 1));
        if (Volatile.Read(ref _slotEpoch[slot]) != epoch)
        {
            return 0;
        }

        long stamp = Volatile.Read(ref complete ? ref _completeStamp[slot] : ref _earlyStamp[slot]);
        return Volatile.Read(ref _slotEpoch[slot]) != epoch ? 0 : stamp == 0 ? -1 : stamp;
    }

    public Thread Start(CancellationToken stop)
    {
        var thread = new Thread(() => Run(stop)) { IsBackground = true, Name = "load feeder", Priority = ThreadPriority.AboveNormal };
        thread.Start();
        return thread;
    }

    private void Run(CancellationToken stop)
    {
        ThreadId = OperatingSystem.IsLinux() ? PseudoTerminal.CurrentThreadId() : 0;
        try
        {
            var queue = new PriorityQueue<int, long>(_receivers);
            for (int r = 0; r < _receivers; r++)
            {
                queue.Enqueue(r, Due(r));
            }

            while (!stop.IsCancellationRequested)
            {
                long now = Stopwatch.GetTimestamp();
                while (queue.TryPeek(out int r, out long due) && due <= now)
                {
                    queue.Dequeue();
                    try
                    {
                        Fire(r, due);
                    }
                    catch (IOException e)
                    {
                        // The service closed this receiver's connection: feed the others on.
                        Lost++;
                        Error ??= e;
                        continue;
                    }

                    queue.Enqueue(r, Due(r));
                }

                long next = queue.TryPeek(out _, out long nextDue) ? Math.Max(nextDue, now + _tick) : now + _tick;
                SleepUntil(next);
            }
        }
        catch (Exception e)
        {
            Error = e;
        }
    }

    // When receiver r's next sentence (with baud 0: its whole next epoch) has left the UART.
    private long Due(int r)
    {
        if (_ticksPerByte == 0)
        {
            return _epochStart[r];
        }

        SeedEpochs.Epoch e = _seed.Epochs[_epoch[r]];
        int[] ends = WriteEnds(e);
        int j = _sentence[r];
        int length = ends[j] - (j == 0 ? 0 : ends[j - 1]);
        return Math.Max(_epochStart[r], _uartFree[r]) + (long)(length * _ticksPerByte);
    }

    // Where the writes of an epoch end: after each sentence, or (parts) after the position
    // sentences and at the epoch's end.
    private int[] WriteEnds(SeedEpochs.Epoch e) => _parts ? e.PartEnds : e.SentenceEnds;

    private void Fire(int r, long due)
    {
        int index = _epoch[r];
        SeedEpochs.Epoch e = _seed.Epochs[index];
        int[] ends = WriteEnds(e);
        int j = _sentence[r];
        int from = j == 0 ? 0 : ends[j - 1];
        int to = _ticksPerByte == 0 ? e.Bytes.Length : ends[j];
        int slot = (r * Ring) + (index & (Ring - 1));
        if (j == 0)
        {
            Volatile.Write(ref _slotEpoch[slot], -1);
            Volatile.Write(ref _earlyStamp[slot], 0);
            Volatile.Write(ref _completeStamp[slot], 0);
            Volatile.Write(ref _slotEpoch[slot], index);
        }

        long stamp = Stopwatch.GetTimestamp();
        if (from < e.PositionEnd && to >= e.PositionEnd)
        {
            Volatile.Write(ref _earlyStamp[slot], stamp);
            if (stamp >= _windowStart && stamp < _windowEnd)
            {
                EarlyInWindow++;
            }
        }

        bool last = to == e.Bytes.Length;
        if (last)
        {
            Volatile.Write(ref _completeStamp[slot], stamp);
            if (stamp >= _windowStart && stamp < _windowEnd)
            {
                CompleteInWindow++;
            }
        }

        Lateness.Add(stamp - due);
        Send(r, e.Bytes.AsSpan(from, to - from));
        _uartFree[r] = due;
        if (last)
        {
            Epochs++;
            _epoch[r] = (index + 1) % _seed.Count;
            _sentence[r] = 0;
            _epochStart[r] += _period;
        }
        else
        {
            _sentence[r] = j + 1;
        }
    }

    // Bytes the kernel does not take now wait in a per-receiver backlog, written first next time
    // (the stamps above then are early: a stall is reported, and a run with stalls is not clean).
    private void Send(int r, ReadOnlySpan<byte> bytes)
    {
        Writes++;
        Bytes += bytes.Length;
        if (_backlogLength[r] > 0)
        {
            int n = _transport.Write(r, _backlog[r].AsSpan(0, _backlogLength[r]));
            _backlog[r].AsSpan(n, _backlogLength[r] - n).CopyTo(_backlog[r]);
            _backlogLength[r] -= n;
            if (_backlogLength[r] > 0)
            {
                Append(r, bytes);
                return;
            }
        }

        int sent = _transport.Write(r, bytes);
        if (sent < bytes.Length)
        {
            Stalls++;
            Append(r, bytes[sent..]);
        }
    }

    private void Append(int r, ReadOnlySpan<byte> bytes)
    {
        byte[] backlog = _backlog[r] ??= new byte[4096];
        if (_backlogLength[r] + bytes.Length > backlog.Length)
        {
            Array.Resize(ref backlog, Math.Max(backlog.Length * 2, _backlogLength[r] + bytes.Length));
            _backlog[r] = backlog;
        }

        bytes.CopyTo(backlog.AsSpan(_backlogLength[r]));
        _backlogLength[r] += bytes.Length;
    }

    // Stopwatch on Linux is CLOCK_MONOTONIC in nanoseconds: sleep to an absolute point of it
    // (no drift from repeated relative sleeps, ~60 µs of timer slack instead of Thread.Sleep's 1 ms steps).
    private static void SleepUntil(long timestamp)
    {
        if (!OperatingSystem.IsLinux() || Stopwatch.Frequency != 1_000_000_000)
        {
            long wait = timestamp - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                Thread.Sleep(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
            }

            return;
        }

        var until = new TimeSpec { Seconds = timestamp / 1_000_000_000, Nanoseconds = timestamp % 1_000_000_000 };
        while (clock_nanosleep(ClockMonotonic, TimerAbsolute, in until, 0) == EIntr)
        {
        }
    }

    private const int ClockMonotonic = 1;
    private const int TimerAbsolute = 1;
    private const int EIntr = 4;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc")]
    private static partial int clock_nanosleep(int clock, int flags, in TimeSpec request, nint remain);
}
