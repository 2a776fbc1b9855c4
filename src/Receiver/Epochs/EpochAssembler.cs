using System.Runtime.CompilerServices;
using System.Numerics;
using BeidouHub.Receiver.Nmea;
using BeidouHub.Receiver.Nmea.Sentences;

namespace BeidouHub.Receiver.Epochs;

/// <summary>
/// Groups one receiver's sentences into epochs, one per UTC time, and learns the receiver's
/// cycle so it can hand out the position as soon as the cycle's position sentences are in and
/// the complete epoch at the cycle's last sentence, without waiting for the next epoch.
/// <para>
/// Learning, like gpsd's cycle ender but per sentence kind (formatter + talker + GSV signal or
/// GSA system id): a kind that ended a complete cycle ends this one unless a kind that has
/// followed it may still come. Sky reports slower than fixes make the last kind vary; a kind
/// that only ever comes together with others (ZDA with the 1 Hz GSV sets of a 10 Hz receiver)
/// is not awaited in cycles that lack those. Where that cannot be told, the epoch is completed
/// when the time changes (the fallback) or on <see cref="Flush"/>. A first cycle that may have
/// started mid-way teaches nothing about ends.
/// </para>
/// No allocation per sentence or per epoch once constructed.
/// </summary>
public sealed class EpochAssembler
{
    private const int MaxKinds = 64;
    private const int HalfDayMs = 12 * 3600 * 1000;

    private const int PositionTypes = (1 << (int)SentenceType.Gga) | (1 << (int)SentenceType.Rmc)
        | (1 << (int)SentenceType.Gns) | (1 << (int)SentenceType.Gll);

    private readonly IEpochSink _sink;
    private readonly Epoch _epoch;

    // Cycle learning, per sentence kind.
    private readonly int[] _kinds = new int[MaxKinds];
    private readonly byte[] _kindSlots = new byte[KindTypes * KindTalkers * KindVariants];
    private const int KindTypes = 16;
    private const int KindTalkers = 16;
    private const int KindVariants = 17;
    private readonly ulong[] _successors = new ulong[MaxKinds];
    private readonly ulong[] _predecessors = new ulong[MaxKinds]; // j in _predecessors[k] <=> k in _successors[j]
    private readonly ulong[] _companions = new ulong[MaxKinds];
    private readonly ulong[] _everBefore = new ulong[MaxKinds];
    private ulong _companionsKnown;
    private readonly byte[] _expectedCount = new byte[MaxKinds];
    private readonly byte[] _countThisEpoch = new byte[MaxKinds];
    private ulong _endKinds;
    private ulong _positionKinds;
    private int _kindCount;
    private int _lastKind = -1;
    private ulong _seenThisEpoch;
    private int _closedEpochs;

    private bool _open;
    private bool _completed;
    private bool _positionSignalled;
    private int? _lastEmittedTime;
    private bool _flushed;
    private OpenedAfter _openedAfter;
    private int _completedAtKind = -1; // with OpenedAfter.EarlyCompletion: the kind the last epoch was completed at
    private NmeaDate? _carriedDate;
    private int? _carriedTime;
    private long _sequence;

    /// <summary>Creates an assembler for one receiver.</summary>
    public EpochAssembler(string receiver, IEpochSink sink)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(sink);
        _sink = sink;
        _epoch = new Epoch(receiver);
    }

    /// <summary>Epochs handed out so far.</summary>
    public long Emitted { get; private set; }

    /// <summary>Sentences that arrived for an epoch already completed (the learned cycle was wrong once; it is corrected).</summary>
    public long LateSentences { get; private set; }

    /// <summary>Times the learned cycle was found not to fit (an epoch completed before its tail) and learned again.</summary>
    public long CycleResets { get; private set; }

    /// <summary>Sentences whose fields were malformed or out of range (the sentence is ignored).</summary>
    public long BadSentences { get; private set; }

    /// <summary>The epoch being filled (or the last one handed out), for tests that look inside a cycle.</summary>
    internal Epoch Current => _epoch;

    /// <summary>True once a cycle end has been learned (early completion active).</summary>
    public bool CycleLearned => _endKinds != 0;

    /// <summary>
    /// Adds one parsed sentence. Returns false when a typed reader rejected its fields (counted in
    /// <see cref="BadSentences"/>); unknown and proprietary sentences return true and are ignored here.
    /// </summary>
    public bool Add(in NmeaSentence sentence)
    {
        if (!Apply(sentence, out bool applied))
        {
            BadSentences++;
            return false;
        }

        if (applied)
        {
            AfterApply();
        }

        return true;
    }

    // Reads the sentence and applies it to its epoch. False: malformed. applied: it went into
    // the open epoch (not dropped as late, not ignored as unknown).
    private bool Apply(in NmeaSentence sentence, out bool applied)
    {
        applied = false;
        switch (sentence.Type)
        {
            case SentenceType.Gga:
                if (!Gga.TryRead(sentence, out Gga gga))
                {
                    return false;
                }

                if (applied = Begin(sentence, gga.TimeOfDayMs, null))
                {
                    EpochMerge.Apply(_epoch, gga);
                }

                break;
            case SentenceType.Rmc:
                if (!Rmc.TryRead(sentence, out Rmc rmc))
                {
                    return false;
                }

                if (applied = Begin(sentence, rmc.TimeOfDayMs, rmc.Date))
                {
                    EpochMerge.Apply(_epoch, rmc);
                }

                break;
            case SentenceType.Gns:
                if (!Gns.TryRead(sentence, out Gns gns))
                {
                    return false;
                }

                if (applied = Begin(sentence, gns.TimeOfDayMs, null))
                {
                    EpochMerge.Apply(_epoch, gns);
                }

                break;
            case SentenceType.Gll:
                if (!Gll.TryRead(sentence, out Gll gll))
                {
                    return false;
                }

                if (applied = Begin(sentence, gll.TimeOfDayMs, null))
                {
                    EpochMerge.Apply(_epoch, gll);
                }

                break;
            case SentenceType.Gsa:
                if (!Gsa.TryRead(sentence, out Gsa gsa))
                {
                    return false;
                }

                if (applied = Begin(sentence, null, null, Kind(sentence.Type, sentence.Talker, gsa.SystemId), true))
                {
                    EpochMerge.Apply(_epoch, gsa);
                }

                break;
            case SentenceType.Gsv:
                if (!Gsv.TryRead(sentence, out Gsv gsv))
                {
                    return false;
                }

                if (applied = Begin(sentence, null, null, Kind(sentence.Type, sentence.Talker, gsv.SignalId), gsv.IsLastOfSet))
                {
                    EpochMerge.Apply(_epoch, gsv);
                }

                break;
            case SentenceType.Vtg:
                if (!Vtg.TryRead(sentence, out Vtg vtg))
                {
                    return false;
                }

                if (applied = Begin(sentence, null, null))
                {
                    EpochMerge.Apply(_epoch, vtg);
                }

                break;
            case SentenceType.Gst:
                if (!Gst.TryRead(sentence, out Gst gst))
                {
                    return false;
                }

                if (applied = Begin(sentence, gst.TimeOfDayMs, null))
                {
                    EpochMerge.Apply(_epoch, gst);
                }

                break;
            case SentenceType.Zda:
                if (!Zda.TryRead(sentence, out Zda zda))
                {
                    return false;
                }

                applied = Begin(sentence, zda.TimeOfDayMs, zda.Date);
                break;
            case SentenceType.Gbs:
                if (!Gbs.TryRead(sentence, out Gbs gbs))
                {
                    return false;
                }

                applied = Begin(sentence, gbs.TimeOfDayMs, null);
                break;
            default:
                // TXT, proprietary and unknown sentences carry nothing for the epoch and do not
                // take part in cycle learning: many receivers send them at their own pace.
                break;
        }

        return true;
    }

    /// <summary>Hands out the open epoch, if any (end of stream, or a gap longer than the cycle).</summary>
    public void Flush()
    {
        if (_open && !_completed)
        {
            Close(learn: false);

            // Whatever of this epoch still comes (a silence cut it: idle flush) is late, not a
            // second epoch of the same time (it was the last emitted); and a cut cycle teaches
            // nothing about cycle ends.
            _flushed = true;
        }
    }

    private bool Begin(in NmeaSentence s, int? time, NmeaDate? date) =>
        Begin(s, time, date, Kind(s.Type, s.Talker, null), true);

    // Routes a sentence to the right epoch and updates cycle learning. Returns false when the
    // sentence belongs to an epoch already handed out (it is then only learned from).
    private bool Begin(in NmeaSentence s, int? time, NmeaDate? date, int kind, bool completesKind)
    {
        int k = KindIndex(kind);
        if (_open && time.HasValue && _epoch.TimeOfDayMs.HasValue && time != _epoch.TimeOfDayMs)
        {
            if (!_completed)
            {
                Close(learn: true);
            }
            else
            {
                // The time moved on after an early completion: the learned cycle held (unless a
                // flush cut it, which says nothing about the cycle).
                EndCycle(learn: !_flushed);
            }

            _open = false;
        }
        else if (_open && _completed)
        {
            if (time.HasValue && time == _lastEmittedTime)
            {
                // A sentence of the epoch already handed out: the kind we completed at is not
                // the cycle's last after all. Learn that and drop the sentence.
                LateSentences++;
                if (!_flushed && k >= 0)
                {
                    LearnFollows(_lastKind, 1UL << k);
                }

                return false;
            }

            // Anything else after a completed epoch opens the next one (untimed sentences such as
            // GSA/GSV that some receivers send before GGA).
            OpenedAfter after = _flushed ? OpenedAfter.Flush : _lastKind >= 0 ? OpenedAfter.EarlyCompletion : OpenedAfter.Nothing;
            int completedAt = _lastKind;
            EndCycle(learn: !_flushed);
            Open();
            _openedAfter = after;
            _completedAtKind = completedAt;
        }

        if (!_open)
        {
            Open();
        }

        if (time.HasValue && !_epoch.TimeOfDayMs.HasValue)
        {
            if (_openedAfter != OpenedAfter.Nothing && time == _lastEmittedTime && _epoch.SentenceCount > 0)
            {
                // The untimed sentences that opened this epoch were the tail of the one already
                // handed out with this time: it was completed too early, or cut by a silence
                // (idle flush). The tail is late, with this sentence; later sentences of that time
                // are late too. A cycle completed too early this way means what was learned does
                // not fit this receiver (it changed its output, or another one is on the line):
                // forget it and learn again, as for a new receiver.
                if (_openedAfter == OpenedAfter.EarlyCompletion)
                {
                    ForgetCycle();

                    // Except what the tail itself has just shown: its kinds follow the kind the
                    // epoch was completed at, so that kind ends no cycle while one of them may
                    // still come. Forgetting this too would complete the next such cycle at the
                    // same place again: a 10 Hz receiver without a fix (no GST), whose GSV sets
                    // and ZDA follow the last GSA once a second, would lose every sky.
                    LearnFollows(_completedAtKind, _seenThisEpoch | (k >= 0 ? 1UL << k : 0));
                }

                LateSentences += _epoch.SentenceCount + 1;
                _sequence--;
                _epoch.Clear();
                SetTime(time.Value);
                _completed = true;
                _lastKind = -1;

                // The epoch's own record of this cycle is gone with the tail: do not learn cycle
                // ends from what is left of it.
                _flushed = true;
                return false;
            }

            SetTime(time.Value);
        }

        if (date.HasValue)
        {
            _epoch.Date = date;
            _carriedDate = date;
            _carriedTime = _epoch.TimeOfDayMs;
        }

        _epoch.SentenceTypes |= 1 << (int)s.Type;
        _epoch.SentenceCount++;

        if (k >= 0)
        {
            // Every kind seen earlier in this cycle is followed by this one (once learned, nothing to do).
            ulong seen = _seenThisEpoch & ~(1UL << k) & ~_predecessors[k];
            _predecessors[k] |= seen;
            while (seen != 0)
            {
                int j = BitOperations.TrailingZeroCount(seen);
                _successors[j] |= 1UL << k;
                seen &= seen - 1;
            }

            // Every kind seen before this one in some cycle.
            _everBefore[k] |= _seenThisEpoch & ~(1UL << k);

            if (completesKind)
            {
                _seenThisEpoch |= 1UL << k;
                if (_countThisEpoch[k] < byte.MaxValue)
                {
                    _countThisEpoch[k]++;
                }
            }

            _lastKind = k;
        }

        return true;
    }

    // After the sentence has been applied: signal the position or complete the epoch when the
    // learned cycle says so.
    private void AfterApply()
    {
        if (!_open || _completed)
        {
            return;
        }

        if (!_positionSignalled && _positionKinds != 0 && (_seenThisEpoch & _positionKinds) == _positionKinds && CountsReached(_positionKinds))
        {
            _positionSignalled = true;
            EpochMerge.Derive(_epoch);
            _sink.OnPosition(_epoch);
        }

        int k = _lastKind;
        if (k >= 0 && (_endKinds & (1UL << k)) != 0 && !AnySuccessorMayCome(k)
            && (_seenThisEpoch & (1UL << k)) != 0 && _countThisEpoch[k] >= _expectedCount[k])
        {
            Complete();
        }
    }

    // Whether a kind that has followed k in some cycle may still come in this one. A successor
    // that only ever came in cycles holding some kind P that comes before k and never after it
    // will not come when P is missing now: a 10 Hz receiver with GSV and ZDA once a second ends
    // its other cycles at GST, and its sky cycles at ZDA.
    private bool AnySuccessorMayCome(int k)
    {
        ulong successors = _successors[k] & ~(1UL << k);
        while (successors != 0)
        {
            int j = BitOperations.TrailingZeroCount(successors);
            successors &= successors - 1;
            if ((_companionsKnown & (1UL << j)) == 0)
            {
                return true;
            }

            ulong required = _companions[j] & _everBefore[k] & ~_successors[k] & ~(1UL << j);
            if (required == 0 || (required & ~_seenThisEpoch) == 0)
            {
                return true;
            }
        }

        return false;
    }

    // Kinds that came after `before` in a cycle: successors of it, their companions unknown again
    // (until a cycle that holds them is learned, they may always come).
    private void LearnFollows(int before, ulong after)
    {
        if (before < 0)
        {
            return;
        }

        after &= ~(1UL << before);
        _successors[before] |= after;
        _companionsKnown &= ~after;
        while (after != 0)
        {
            int j = BitOperations.TrailingZeroCount(after);
            _predecessors[j] |= 1UL << before;
            _companions[j] = 0;
            after &= after - 1;
        }
    }

    // Drops everything learned about the cycle (the kinds stay known): completion falls back to
    // the time change until cycles are learned again.
    private void ForgetCycle()
    {
        Array.Clear(_successors);
        Array.Clear(_predecessors);
        Array.Clear(_companions);
        Array.Clear(_everBefore);
        Array.Clear(_expectedCount);
        _companionsKnown = 0;
        _endKinds = 0;
        _positionKinds = 0;
        _closedEpochs = 0;
        CycleResets++;
    }

    private bool CountsReached(ulong kinds)
    {
        while (kinds != 0)
        {
            int j = BitOperations.TrailingZeroCount(kinds);
            if (_countThisEpoch[j] < _expectedCount[j])
            {
                return false;
            }

            kinds &= kinds - 1;
        }

        return true;
    }

    private void Open()
    {
        _epoch.Clear();
        _epoch.Sequence = ++_sequence;
        _open = true;
        _completed = false;
        _positionSignalled = false;
        _flushed = false;
        _openedAfter = OpenedAfter.Nothing;
        _seenThisEpoch = 0;
        _lastKind = -1;
        Array.Clear(_countThisEpoch);
    }

    private void SetTime(int time)
    {
        _epoch.TimeOfDayMs = time;
        if (_carriedDate is { } d)
        {
            // Carry the last date to epochs without RMC/ZDA, rolling over at midnight: a time more
            // than half a day before the last dated one is the next day.
            _epoch.Date = _carriedTime is { } last && time < last - HalfDayMs ? d.AddDays(1) : d;
        }
    }

    private void Close(bool learn)
    {
        Complete();
        EndCycle(learn);
    }

    private void Complete()
    {
        EpochMerge.Derive(_epoch);
        if (!_positionSignalled)
        {
            _positionSignalled = true;
            _sink.OnPosition(_epoch);
        }

        _completed = true;
        _lastEmittedTime = _epoch.TimeOfDayMs;
        Emitted++;
        _sink.OnEpoch(_epoch);
    }

    private void EndCycle(bool learn)
    {
        if (learn)
        {
            // The first cycle may have started mid-way: it says nothing about where cycles end.
            if (_closedEpochs > 0 && _lastKind >= 0)
            {
                _endKinds |= 1UL << _lastKind;
                ulong seen = _seenThisEpoch;
                while (seen != 0)
                {
                    int j = BitOperations.TrailingZeroCount(seen);
                    _expectedCount[j] = _countThisEpoch[j];
                    _companions[j] = (_companionsKnown & (1UL << j)) != 0 ? _companions[j] & _seenThisEpoch : _seenThisEpoch;
                    _companionsKnown |= 1UL << j;
                    seen &= seen - 1;
                }

                _positionKinds = PositionKindsOf(_seenThisEpoch);
            }

            _closedEpochs++;
        }

        if (_epoch.Date.HasValue && _epoch.TimeOfDayMs.HasValue)
        {
            _carriedDate = _epoch.Date;
            _carriedTime = _epoch.TimeOfDayMs;
        }
    }

    private ulong PositionKindsOf(ulong seen)
    {
        ulong result = 0;
        while (seen != 0)
        {
            int j = BitOperations.TrailingZeroCount(seen);
            if ((PositionTypes & (1 << (_kinds[j] & 0xFF))) != 0)
            {
                result |= 1UL << j;
            }

            seen &= seen - 1;
        }

        return result;
    }

    private static int Kind(SentenceType type, Talker talker, byte? variant) =>
        (int)type | ((int)talker << 8) | ((variant.HasValue ? variant.Value + 1 : 0) << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int KindIndex(int kind)
    {
        // Direct-mapped: formatter x talker x (variant + 1). Index + 1 is stored; 0 = not seen yet.
        int type = kind & 0xFF;
        int talker = (kind >> 8) & 0xFF;
        int variant = kind >> 16;
        if (type < KindTypes && talker < KindTalkers && variant < KindVariants)
        {
            ref byte slot = ref _kindSlots[(((type * KindTalkers) + talker) * KindVariants) + variant];
            if (slot == 0 && _kindCount < MaxKinds)
            {
                _kinds[_kindCount] = kind;
                slot = (byte)++_kindCount;
            }

            return slot - 1;
        }

        for (int i = 0; i < _kindCount; i++)
        {
            if (_kinds[i] == kind)
            {
                return i;
            }
        }

        if (_kindCount == MaxKinds)
        {
            return -1;
        }

        _kinds[_kindCount] = kind;
        return _kindCount++;
    }

    /// <summary>What came just before an epoch opened by untimed sentences: whether they may be the tail of the last one.</summary>
    private enum OpenedAfter
    {
        /// <summary>A new time or the first sentence: no tail.</summary>
        Nothing,

        /// <summary>The last epoch was completed early on the learned cycle (at a known kind).</summary>
        EarlyCompletion,

        /// <summary>The last epoch was cut by a flush.</summary>
        Flush,
    }
}
