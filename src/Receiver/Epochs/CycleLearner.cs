using System.Numerics;

namespace BeidouHub.Receiver.Epochs;

/// <summary>
/// Learns one receiver's cycle from the kinds of sentence it sends (numbers from
/// <see cref="SentenceKinds"/>), and says when the cycle in progress has its position sentences
/// and when it is complete.
/// <para>
/// Like gpsd's cycle ender but per sentence kind: a kind that ended a complete cycle ends this one
/// unless a kind that has followed it may still come. Sky reports slower than fixes make the last
/// kind vary; a kind that only ever comes together with others (ZDA with the 1 Hz GSV sets of a
/// 10 Hz receiver) is not awaited in cycles that lack those. A first cycle that may have started
/// mid-way teaches nothing about ends.
/// </para>
/// No allocation once constructed.
/// </summary>
internal sealed class CycleLearner
{
    /// <summary>Most kinds of sentence told apart per receiver.</summary>
    public const int MaxKinds = 64;

    private readonly ulong[] _successors = new ulong[MaxKinds];
    private readonly ulong[] _predecessors = new ulong[MaxKinds]; // j in _predecessors[k] <=> k in _successors[j]
    private readonly ulong[] _companions = new ulong[MaxKinds];
    private readonly ulong[] _everBefore = new ulong[MaxKinds];
    private ulong _companionsKnown;
    private readonly byte[] _expectedCount = new byte[MaxKinds];
    private readonly byte[] _countThisCycle = new byte[MaxKinds];
    private ulong _endKinds;
    private ulong _positionKinds;
    private ulong _isPosition;
    private ulong _seen;
    private int _lastKind = -1;
    private int _previousLastKind = -1;
    private int _closedCycles;

    /// <summary>True once a cycle end has been learned.</summary>
    public bool Learned => _endKinds != 0;

    /// <summary>Times what was learned was found not to fit (a cycle completed before its tail) and learned again.</summary>
    public long Resets { get; private set; }

    /// <summary>The last kind the cycle in progress has had; -1 for none.</summary>
    public int LastKind => _lastKind;

    /// <summary>A new cycle begins.</summary>
    public void Begin()
    {
        _previousLastKind = _lastKind;
        _seen = 0;
        _lastKind = -1;
        Array.Clear(_countThisCycle);
    }

    /// <summary>
    /// A sentence of kind <paramref name="kind"/> (-1: one past <see cref="MaxKinds"/>) came in the
    /// cycle. <paramref name="completes"/>: the kind is in (false for a GSV sentence that is not
    /// the last of its set); <paramref name="position"/>: the kind carries a position (GGA, RMC,
    /// GNS, GLL). Returns whether the position sentences and the whole cycle are now in.
    /// </summary>
    public CycleStep Observe(int kind, bool completes, bool position)
    {
        int k = kind;
        if (k >= 0)
        {
            if (position)
            {
                _isPosition |= 1UL << k;
            }

            // Every kind seen earlier in this cycle is followed by this one (once learned, nothing to do).
            ulong seen = _seen & ~(1UL << k) & ~_predecessors[k];
            _predecessors[k] |= seen;
            while (seen != 0)
            {
                int j = BitOperations.TrailingZeroCount(seen);
                _successors[j] |= 1UL << k;
                seen &= seen - 1;
            }

            // Every kind seen before this one in some cycle.
            _everBefore[k] |= _seen & ~(1UL << k);

            if (completes)
            {
                _seen |= 1UL << k;
                if (_countThisCycle[k] < byte.MaxValue)
                {
                    _countThisCycle[k]++;
                }
            }

            _lastKind = k;
        }

        CycleStep step = CycleStep.None;
        if (_positionKinds != 0 && (_seen & _positionKinds) == _positionKinds && CountsReached(_positionKinds))
        {
            step |= CycleStep.PositionIn;
        }

        k = _lastKind;
        if (k >= 0 && (_endKinds & (1UL << k)) != 0 && !AnySuccessorMayCome(k)
            && (_seen & (1UL << k)) != 0 && _countThisCycle[k] >= _expectedCount[k])
        {
            step |= CycleStep.Complete;
        }

        return step;
    }

    /// <summary>A sentence of kind <paramref name="kind"/> came after the cycle was completed: the kind completed at is not its last after all.</summary>
    public void Late(int kind)
    {
        if (kind >= 0)
        {
            LearnFollows(_lastKind, 1UL << kind);
        }
    }

    /// <summary>
    /// The cycle begun last was the tail of the one before (completed too early): what was
    /// learned does not fit this receiver (it changed its output, or another one is on the line),
    /// so forget it and learn again, as for a new receiver; <paramref name="kind"/> is the sentence
    /// that showed it.
    /// </summary>
    public void Tail(int kind)
    {
        Forget();

        // Except what the tail itself has just shown: its kinds follow the kind the cycle was
        // completed at, so that kind ends no cycle while one of them may still come. Forgetting
        // this too would complete the next such cycle at the same place again: a 10 Hz receiver
        // without a fix (no GST), whose GSV sets and ZDA follow the last GSA once a second, would
        // lose every sky.
        LearnFollows(_previousLastKind, _seen | (kind >= 0 ? 1UL << kind : 0));
        _lastKind = -1;
    }

    /// <summary>The cycle is over; <paramref name="learn"/>: it was whole (not cut by a silence or completed too early), so learn from it.</summary>
    public void End(bool learn)
    {
        if (!learn)
        {
            return;
        }

        // The first cycle may have started mid-way: it says nothing about where cycles end.
        if (_closedCycles > 0 && _lastKind >= 0)
        {
            _endKinds |= 1UL << _lastKind;
            ulong seen = _seen;
            while (seen != 0)
            {
                int j = BitOperations.TrailingZeroCount(seen);
                _expectedCount[j] = _countThisCycle[j];
                _companions[j] = (_companionsKnown & (1UL << j)) != 0 ? _companions[j] & _seen : _seen;
                _companionsKnown |= 1UL << j;
                seen &= seen - 1;
            }

            _positionKinds = _seen & _isPosition;
        }

        _closedCycles++;
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
            if (required == 0 || (required & ~_seen) == 0)
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
    private void Forget()
    {
        Array.Clear(_successors);
        Array.Clear(_predecessors);
        Array.Clear(_companions);
        Array.Clear(_everBefore);
        Array.Clear(_expectedCount);
        _companionsKnown = 0;
        _endKinds = 0;
        _positionKinds = 0;
        _closedCycles = 0;
        Resets++;
    }

    private bool CountsReached(ulong kinds)
    {
        while (kinds != 0)
        {
            int j = BitOperations.TrailingZeroCount(kinds);
            if (_countThisCycle[j] < _expectedCount[j])
            {
                return false;
            }

            kinds &= kinds - 1;
        }

        return true;
    }
}

/// <summary>What a sentence brought its cycle to.</summary>
[Flags]
internal enum CycleStep
{
    /// <summary>More to come, the position included.</summary>
    None = 0,

    /// <summary>Every position sentence (GGA, RMC, GNS, GLL) the cycle has is in.</summary>
    PositionIn = 1,

    /// <summary>The cycle is complete: this was its last sentence.</summary>
    Complete = 2,
}
