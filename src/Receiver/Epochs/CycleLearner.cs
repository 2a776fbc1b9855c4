using System.Numerics;
using System.Runtime.CompilerServices;

namespace BeidouHub.Receiver.Epochs;

/// <summary>
/// Learns one receiver's cycle shapes from the kinds of sentence it sends (numbers from
/// <see cref="SentenceKinds"/>), and says when the cycle in progress has its position sentences
/// and when it is complete, so that the epoch is handed out at its own last sentence.
/// <para>
/// A <em>shape</em> is the set of kinds of one whole cycle, with how many of each came and which
/// came before which. A receiver has several: a 10 Hz receiver whose sky (GSV sets, ZDA) comes
/// once a second has a fix-only shape that ends at GST and a sky shape that ends at ZDA, and,
/// without a fix (no GST), two more. Whether the epoch has a position is part of the shape, as a
/// kind of its own (<see cref="FixKind"/>). The cycle in progress could still become any learned
/// shape that holds every kind it has had, in an order that shape allows (a shape in which a GSV
/// set came before GST is out once GST came without one), and whose kinds that come less often
/// than every cycle are due now (a kind seen once a second, on the second, is not due at .3 s).
/// The cycle is complete when it could become at least one shape, every shape it could become is
/// complete, and one of them has been seen twice: when the shapes disagree it waits, and when it
/// could become none (a shape not seen before), the epoch ends at the next epoch's time or on a
/// silence. A shape seen once may be a damaged cycle (a sentence lost on the line) or a first one
/// that started mid-way: it holds a cycle back where it disagrees, but ends none alone.
/// </para>
/// <para>
/// A cycle teaches its shape once the next one shows it is over: the next one's first sentence
/// has a later time. What of it came late is part of it. A cycle handed out at a silence (idle
/// flush) teaches too, so a receiver whose cycles a silence ends learns them (before, such cycles
/// taught nothing, and a 10 Hz receiver that first learned its sky cycle had every fix-only epoch
/// ended by the idle flush); one that turns out to have been completed before its tail teaches its
/// whole shape, and <see cref="Resets"/> counts it. A cycle that began with untimed sentences
/// after one handed out early teaches nothing: they may be that one's tail.
/// </para>
/// No allocation once constructed.
/// </summary>
internal sealed class CycleLearner
{
    /// <summary>Most kinds of sentence told apart per receiver (one of the 64 is <see cref="FixKind"/>).</summary>
    public const int MaxKinds = 63;

    /// <summary>Most shapes kept; past that the one not seen for longest is forgotten.</summary>
    public const int MaxShapes = 16;

    /// <summary>The kind "the epoch has a position", observed once when the position comes.</summary>
    public const int FixKind = 63;

    private const int Slots = 64;
    private const int DayMs = 24 * 3600 * 1000;

    // A kind not seen for longer than this says nothing about when it is due.
    private const int MaxPeriodMs = 60_000;

    private const ulong FixBit = 1UL << FixKind;

    // Shapes: the kinds, for each kind the kinds that came before its first sentence in every
    // cycle of that shape, and its count, at [shape * Slots + kind].
    private readonly ulong[] _shapeKinds = new ulong[MaxShapes];
    private readonly ulong[] _shapeBefore = new ulong[MaxShapes * Slots];
    private readonly byte[] _shapeCounts = new byte[MaxShapes * Slots];
    private readonly long[] _shapeSeen = new long[MaxShapes];
    private readonly byte[] _shapeTimes = new byte[MaxShapes];
    private int _shapes;
    private int _lastShape = -1;

    // Kinds: which carry a position; when each last came and how often it comes.
    private ulong _positionKinds;
    private readonly int[] _lastTime = new int[Slots];
    private readonly int[] _period = new int[Slots];
    private ulong _periodKnown;
    private ulong _subRate;
    private bool _subRateKnown;

    // The cycle in progress, and the one before it while its tail may still come.
    private Cycle _current = new();
    private Cycle _previous = new();
    private bool _previousPending;
    private long _cycles;

    // What the cycle in progress can still become.
    private uint _possible;
    private bool _positionReported;
    private bool _changed; // shapes or what is possible changed since the last answer

    public CycleLearner()
    {
        Array.Fill(_lastTime, -1);
    }

    /// <summary>True once a shape has been learned (early completion active).</summary>
    public bool Learned => _shapes > 0;

    /// <summary>Cycles this learner said were complete that then had a tail (a shape it had not seen yet).</summary>
    public long Resets { get; private set; }

    /// <summary>A new cycle begins. The one before may still turn out to be longer (<see cref="Tail"/>).</summary>
    public void Begin()
    {
        PreviousOver();
        (_previous, _current) = (_current, _previous);
        _previousPending = true;
        _current.Clear();
        _possible = AllShapes;
        _positionReported = false;
        _changed = true;
    }

    /// <summary>The cycle in progress has this UTC time of day: the one before is over.</summary>
    public void SetTime(int timeOfDayMs)
    {
        PreviousOver();
        _current.Time = timeOfDayMs;
        _possible = Possible(_current);
        ulong pending = 0;
        uint possible = _possible;
        while (possible != 0)
        {
            int x = BitOperations.TrailingZeroCount(possible);
            possible &= possible - 1;
            pending |= _shapeKinds[x];
        }

        // Shapes with a kind still to come that is not due now are out.
        ulong notDue = NotDue(pending & ~_current.Seen & SubRate(), timeOfDayMs);
        possible = _possible;
        while (possible != 0 && notDue != 0)
        {
            int x = BitOperations.TrailingZeroCount(possible);
            possible &= possible - 1;
            if ((_shapeKinds[x] & notDue) != 0)
            {
                _possible &= ~(1u << x);
            }
        }

        _changed = true;
    }

    // The cycle before the one in progress is over: it teaches its shape. If the one in progress
    // has had sentences already, they were untimed and came after that one was handed out early
    // (completed, or cut by a silence): they may be its tail, lost to this cycle because no
    // sentence of its time followed them. Taught, this cycle would make the next ones end before
    // their own such sentences (which would then go to the cycle after), so it teaches nothing.
    private void PreviousOver()
    {
        if (!_previousPending)
        {
            return;
        }

        Teach(_previous);
        _previousPending = false;
        if (_current.Seen != 0)
        {
            _current.Unsure = true;
        }
    }

    /// <summary>
    /// A sentence of kind <paramref name="kind"/> (-1: one past <see cref="MaxKinds"/>) came in the
    /// cycle in progress. <paramref name="completes"/>: the kind is in (false for a GSV sentence
    /// that is not the last of its set); <paramref name="position"/>: the kind carries a position
    /// (GGA, RMC, GNS, GLL); <paramref name="fix"/>: the epoch has a position now. Returns whether
    /// the position sentences, and the whole cycle, are in.
    /// </summary>
    public CycleStep Observe(int kind, bool completes = true, bool position = false, bool fix = false)
    {
        Cycle c = _current;
        uint possible = _possible;
        if (kind < 0)
        {
            // A kind that cannot be told apart fits no shape.
            c.Unsure = true;
            _possible = 0;
        }
        else
        {
            if (position)
            {
                _positionKinds |= 1UL << kind;
            }

            if (c.Add(kind, completes))
            {
                RuleOut(kind, c.Before[kind]);
            }
        }

        if (fix && (c.Seen & FixBit) == 0)
        {
            c.Add(FixKind, true);
            RuleOut(FixKind, c.Before[FixKind]);
            completes = true;
        }

        // Neither answer can change while no kind came in whole and no shape went out (the
        // sentences of a GSV set before its last).
        if (!completes && _possible == possible && !_changed)
        {
            return CycleStep.None;
        }

        _changed = false;
        CycleStep step = CycleStep.None;
        if (!_positionReported && PositionIn(c))
        {
            _positionReported = true;
            step |= CycleStep.PositionIn;
        }

        if (_possible != 0 && c.Seen == c.Complete && AllPossibleEndHere(c))
        {
            c.Ended = true;
            step |= CycleStep.Complete;
        }

        return step;
    }

    /// <summary>A sentence of kind <paramref name="kind"/> came for the cycle already handed out (it teaches the longer shape).</summary>
    public void Late(int kind, bool completes = true) => AddLate(_current, kind, completes);

    /// <summary>
    /// The cycle begun last, untimed so far, is the tail of the one before (handed out too early,
    /// or cut by a silence): it is that cycle again, with its tail and then <paramref name="kind"/>
    /// added, as late.
    /// </summary>
    public void Tail(int kind, bool completes = true)
    {
        Cycle tail = _current;
        if (_previousPending)
        {
            _previous.Append(tail);
            (_previous, _current) = (_current, _previous);
            _previousPending = false;
        }

        AddLate(_current, kind, completes);
    }

    private void AddLate(Cycle c, int kind, bool completes)
    {
        if (c.Ended)
        {
            // Said complete, and it was not: a shape not seen before (it is learned now).
            c.Ended = false;
            Resets++;
        }

        if (kind < 0)
        {
            c.Unsure = true;
            return;
        }

        c.Add(kind, completes);
    }

    private uint AllShapes => (1u << _shapes) - 1;

    // Takes out the shapes that cannot be this cycle now that `kind` came (its first sentence)
    // after the kinds in `before`: those without it, and those where a kind came before it that
    // has not come now.
    private void RuleOut(int kind, ulong before)
    {
        ulong bit = 1UL << kind;
        uint possible = _possible;
        while (possible != 0)
        {
            int x = BitOperations.TrailingZeroCount(possible);
            possible &= possible - 1;
            if ((_shapeKinds[x] & bit) == 0 || (_shapeBefore[(x * Slots) + kind] & ~before) != 0)
            {
                _possible &= ~(1u << x);
            }
        }
    }

    // The shapes the cycle can still become by its kinds and their order, from scratch (when
    // the shapes changed).
    private uint Possible(Cycle c)
    {
        uint possible = 0;
        for (int x = 0; x < _shapes; x++)
        {
            ulong kinds = _shapeKinds[x];
            if (c.Unsure || (c.Seen & ~kinds) != 0)
            {
                continue;
            }

            bool fits = true;
            ulong seen = c.Seen;
            while (seen != 0 && fits)
            {
                int j = BitOperations.TrailingZeroCount(seen);
                seen &= seen - 1;
                fits = (_shapeBefore[(x * Slots) + j] & ~c.Before[j]) == 0;
            }

            if (fits)
            {
                possible |= 1u << x;
            }
        }

        return possible;
    }

    // Every shape the cycle can become has its position kinds in (the last shape learned when it
    // can become none: a shape not seen yet still sends the receiver's position sentences).
    private bool PositionIn(Cycle c)
    {
        if (_possible == 0)
        {
            return _lastShape >= 0 && PositionIn(c, _lastShape);
        }

        uint possible = _possible;
        while (possible != 0)
        {
            int x = BitOperations.TrailingZeroCount(possible);
            possible &= possible - 1;
            if (!PositionIn(c, x))
            {
                return false;
            }
        }

        return true;
    }

    private bool PositionIn(Cycle c, int x)
    {
        ulong need = _shapeKinds[x] & _positionKinds;
        return need != 0 && (need & ~c.Complete) == 0 && CountsReached(c, x, need);
    }

    // Every shape the cycle can become ends here, and one of them has been seen more than once (a
    // shape seen once may be a damaged cycle, or a first one that started mid-way). Shapes differ
    // in their kinds, so "every one ends here" means only one is left, and it has these kinds.
    private bool AllPossibleEndHere(Cycle c)
    {
        if (!BitOperations.IsPow2(_possible))
        {
            return false;
        }

        int x = BitOperations.TrailingZeroCount(_possible);
        return _shapeKinds[x] == c.Seen && _shapeTimes[x] > 1 && CountsReached(c, x, c.Seen);
    }

    private bool CountsReached(Cycle c, int x, ulong kinds)
    {
        while (kinds != 0)
        {
            int j = BitOperations.TrailingZeroCount(kinds);
            kinds &= kinds - 1;
            if (c.Counts[j] < _shapeCounts[(x * Slots) + j])
            {
                return false;
            }
        }

        return true;
    }

    // Kinds that come less often than every cycle (a confirmed period) and are not due at this
    // time: the time since they last came is not a whole number of periods.
    private ulong NotDue(ulong kinds, int time)
    {
        ulong notDue = 0;
        ulong known = kinds;
        while (known != 0)
        {
            int j = BitOperations.TrailingZeroCount(known);
            known &= known - 1;
            int since = Since(_lastTime[j], time);
            int period = _period[j];
            if (since != period && since != 0 && since <= MaxPeriodMs && (since < period || since % period != 0))
            {
                notDue |= 1UL << j;
            }
        }

        return notDue;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Since(int last, int time)
    {
        int since = time - last;
        return since < 0 ? since + DayMs : since;
    }

    // A cycle is over: learn its shape, and when each of its kinds came.
    private void Teach(Cycle c)
    {
        if (c.Seen == 0 || c.Unsure)
        {
            return;
        }

        _cycles++;

        // A kind that came only in part (a GSV set cut short: the receiver's buffer overflowed)
        // is part of the shape: it may come again, so no cycle ends before it has.
        ulong seen = c.Seen;
        int x = _lastShape >= 0 && _shapeKinds[_lastShape] == seen ? _lastShape : Array.IndexOf(_shapeKinds, seen, 0, _shapes);
        bool isNew = x < 0;
        if (isNew)
        {
            x = NewShape();
            _shapeKinds[x] = seen;
            _shapeTimes[x] = 0;
        }

        // A cycle this learner completed fitted its shape (its order and counts): nothing to merge.
        if (isNew || !c.Ended)
        {
            while (seen != 0)
            {
                int j = BitOperations.TrailingZeroCount(seen);
                seen &= seen - 1;

                // The same kinds in another order: only what came first in both still rules out.
                ref ulong before = ref _shapeBefore[(x * Slots) + j];
                before = isNew ? c.Before[j] : before & c.Before[j];
                _shapeCounts[(x * Slots) + j] = c.Counts[j];
            }
        }

        if (c.Time >= 0)
        {
            ulong complete = c.Complete & ~FixBit;
            while (complete != 0)
            {
                int j = BitOperations.TrailingZeroCount(complete);
                complete &= complete - 1;
                LearnPeriod(j, c.Time);
            }
        }

        _shapeSeen[x] = _cycles;
        if (_shapeTimes[x] < byte.MaxValue)
        {
            _shapeTimes[x]++;
        }

        _lastShape = x;
    }

    private int NewShape()
    {
        if (_shapes < MaxShapes)
        {
            return _shapes++;
        }

        int oldest = 0;
        for (int x = 1; x < MaxShapes; x++)
        {
            if (_shapeSeen[x] < _shapeSeen[oldest])
            {
                oldest = x;
            }
        }

        return oldest;
    }

    // A kind that came at `time`: its period is confirmed when the time since it last came is
    // the same twice (or a whole number of a confirmed period: a cycle lost on the line).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void LearnPeriod(int kind, int time)
    {
        ulong bit = 1UL << kind;
        int last = _lastTime[kind];
        _lastTime[kind] = time;
        if (last < 0)
        {
            return;
        }

        int since = Since(last, time);
        int period = _period[kind];
        if (since == 0)
        {
            return;
        }

        if (since == period || ((_periodKnown & bit) != 0 && since % period == 0))
        {
            if ((_periodKnown & bit) == 0)
            {
                _periodKnown |= bit;
                _subRateKnown = false;
            }
        }
        else
        {
            _period[kind] = since > MaxPeriodMs ? 0 : since;
            _periodKnown &= ~bit;
            _subRateKnown = false;
        }
    }

    // The kinds with a known period longer than the shortest known (the cycle's own): only they
    // can be not due at a cycle's time. Kept until a period changes.
    private ulong SubRate()
    {
        if (!_subRateKnown)
        {
            int shortest = int.MaxValue;
            ulong known = _periodKnown;
            while (known != 0)
            {
                int j = BitOperations.TrailingZeroCount(known);
                known &= known - 1;
                shortest = Math.Min(shortest, _period[j]);
            }

            _subRate = 0;
            known = _periodKnown;
            while (known != 0)
            {
                int j = BitOperations.TrailingZeroCount(known);
                known &= known - 1;
                if (_period[j] > shortest)
                {
                    _subRate |= 1UL << j;
                }
            }

            _subRateKnown = true;
        }

        return _subRate;
    }

    /// <summary>What one cycle has had: its kinds, in what order, how many of each, its time.</summary>
    private sealed class Cycle
    {
        public readonly ulong[] Before = new ulong[Slots];
        public readonly byte[] Counts = new byte[Slots];

        /// <summary>Kinds with at least one sentence.</summary>
        public ulong Seen;

        /// <summary>Kinds that are in (a GSV set counts once its last sentence came).</summary>
        public ulong Complete;

        public int Time = -1;

        /// <summary>
        /// Had a kind past <see cref="MaxKinds"/>, or began with sentences that may be the tail of
        /// the cycle before: fits no shape, teaches none.
        /// </summary>
        public bool Unsure;

        /// <summary>This learner said it was complete.</summary>
        public bool Ended;

        // Returns true for the kind's first sentence in this cycle.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Add(int kind, bool completes)
        {
            ulong bit = 1UL << kind;
            bool first = (Seen & bit) == 0;
            if (first)
            {
                Before[kind] = Complete;
                Seen |= bit;
            }

            if (completes)
            {
                Complete |= bit;
                if (Counts[kind] < byte.MaxValue)
                {
                    Counts[kind]++;
                }
            }

            return first;
        }

        // The tail of this cycle came as a cycle of its own: add it, after what this one had.
        public void Append(Cycle tail)
        {
            ulong seen = tail.Seen;
            ulong head = Complete;
            while (seen != 0)
            {
                int j = BitOperations.TrailingZeroCount(seen);
                seen &= seen - 1;
                if ((Seen & (1UL << j)) == 0)
                {
                    Before[j] = head | tail.Before[j];
                }

                Counts[j] = (byte)Math.Min(byte.MaxValue, Counts[j] + tail.Counts[j]);
            }

            Seen |= tail.Seen;
            Complete |= tail.Complete;
            Unsure |= tail.Unsure;
        }

        public void Clear()
        {
            Array.Clear(Counts);
            Seen = 0;
            Complete = 0;
            Time = -1;
            Unsure = false;
            Ended = false;
        }
    }
}

/// <summary>What a sentence brought its cycle to.</summary>
[Flags]
internal enum CycleStep
{
    /// <summary>More to come, the position included.</summary>
    None = 0,

    /// <summary>Every position sentence (GGA, RMC, GNS, GLL) the cycle has is in (reported once per cycle).</summary>
    PositionIn = 1,

    /// <summary>The cycle is complete: this was its last sentence.</summary>
    Complete = 2,
}
