using BeidouHub.Receiver.Nmea;
using BeidouHub.Receiver.Nmea.Sentences;

namespace BeidouHub.Receiver.Epochs;

/// <summary>
/// Groups one receiver's sentences into epochs, one per UTC time, and hands out the position as
/// soon as the cycle's position sentences are in and the complete epoch at the cycle's last
/// sentence, without waiting for the next epoch.
/// <para>
/// The router: reads each sentence, finds its epoch (the open one; the next when the time moves
/// on; none when it belongs to one already handed out, which makes it late), has
/// <see cref="EpochMerge"/> put its fields in, and tells the <see cref="CycleLearner"/> its kind;
/// the learner says when the position and the whole cycle are in. Where the learner cannot tell,
/// the epoch is completed when the time changes or on <see cref="Flush"/>.
/// </para>
/// No allocation per sentence or per epoch once constructed.
/// </summary>
public sealed class EpochAssembler
{
    private const int HalfDayMs = 12 * 3600 * 1000;

    private readonly IEpochSink _sink;
    private readonly Epoch _epoch;
    private readonly SentenceKinds _kinds = new();
    private readonly CycleLearner _cycle = new();

    private bool _open;
    private bool _completed;
    private bool _positionSignalled;
    private int? _lastEmittedTime;
    private bool _mayBeTail;
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
    public long CycleResets => _cycle.Resets;

    /// <summary>Sentences whose fields were malformed or out of range (the sentence is ignored).</summary>
    public long BadSentences { get; private set; }

    /// <summary>The epoch being filled (or the last one handed out), for tests that look inside a cycle.</summary>
    internal Epoch Current => _epoch;

    /// <summary>True once a cycle end has been learned (early completion active).</summary>
    public bool CycleLearned => _cycle.Learned;

    /// <summary>
    /// Adds one parsed sentence. Returns false when a typed reader rejected its fields (counted in
    /// <see cref="BadSentences"/>); unknown and proprietary sentences return true and are ignored here.
    /// </summary>
    public bool Add(in NmeaSentence sentence)
    {
        int kind;
        switch (sentence.Type)
        {
            case SentenceType.Gga:
                if (!Gga.TryRead(sentence, out Gga gga))
                {
                    BadSentences++;
                    return false;
                }

                if (Route(sentence, gga.TimeOfDayMs, null, null, true, out kind))
                {
                    EpochMerge.Apply(_epoch, gga);
                    Learn(kind, true, true);
                }

                break;
            case SentenceType.Rmc:
                if (!Rmc.TryRead(sentence, out Rmc rmc))
                {
                    BadSentences++;
                    return false;
                }

                if (Route(sentence, rmc.TimeOfDayMs, rmc.Date, null, true, out kind))
                {
                    EpochMerge.Apply(_epoch, rmc);
                    Learn(kind, true, true);
                }

                break;
            case SentenceType.Gns:
                if (!Gns.TryRead(sentence, out Gns gns))
                {
                    BadSentences++;
                    return false;
                }

                if (Route(sentence, gns.TimeOfDayMs, null, null, true, out kind))
                {
                    EpochMerge.Apply(_epoch, gns);
                    Learn(kind, true, true);
                }

                break;
            case SentenceType.Gll:
                if (!Gll.TryRead(sentence, out Gll gll))
                {
                    BadSentences++;
                    return false;
                }

                if (Route(sentence, gll.TimeOfDayMs, null, null, true, out kind))
                {
                    EpochMerge.Apply(_epoch, gll);
                    Learn(kind, true, true);
                }

                break;
            case SentenceType.Gsa:
                if (!Gsa.TryRead(sentence, out Gsa gsa))
                {
                    BadSentences++;
                    return false;
                }

                if (Route(sentence, null, null, gsa.SystemId, true, out kind))
                {
                    EpochMerge.Apply(_epoch, gsa);
                    Learn(kind, true, false);
                }

                break;
            case SentenceType.Gsv:
                if (!Gsv.TryRead(sentence, out Gsv gsv))
                {
                    BadSentences++;
                    return false;
                }

                if (Route(sentence, null, null, gsv.SignalId, gsv.IsLastOfSet, out kind))
                {
                    EpochMerge.Apply(_epoch, gsv);
                    Learn(kind, gsv.IsLastOfSet, false);
                }

                break;
            case SentenceType.Vtg:
                if (!Vtg.TryRead(sentence, out Vtg vtg))
                {
                    BadSentences++;
                    return false;
                }

                if (Route(sentence, null, null, null, true, out kind))
                {
                    EpochMerge.Apply(_epoch, vtg);
                    Learn(kind, true, false);
                }

                break;
            case SentenceType.Gst:
                if (!Gst.TryRead(sentence, out Gst gst))
                {
                    BadSentences++;
                    return false;
                }

                if (Route(sentence, gst.TimeOfDayMs, null, null, true, out kind))
                {
                    EpochMerge.Apply(_epoch, gst);
                    Learn(kind, true, false);
                }

                break;
            case SentenceType.Zda:
                if (!Zda.TryRead(sentence, out Zda zda))
                {
                    BadSentences++;
                    return false;
                }

                if (Route(sentence, zda.TimeOfDayMs, zda.Date, null, true, out kind))
                {
                    Learn(kind, true, false);
                }

                break;
            case SentenceType.Gbs:
                if (!Gbs.TryRead(sentence, out Gbs gbs))
                {
                    BadSentences++;
                    return false;
                }

                if (Route(sentence, gbs.TimeOfDayMs, null, null, true, out kind))
                {
                    Learn(kind, true, false);
                }

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
            Close();
        }
    }

    // Finds the sentence's epoch: closes the open one when the time moves on, opens the next.
    // False: the sentence belongs to an epoch already handed out (late). kind: the sentence's
    // kind for the cycle learner (variant: GSA system id or GSV signal id; completes: false for
    // a GSV sentence that is not the last of its set).
    private bool Route(in NmeaSentence s, int? time, NmeaDate? date, byte? variant, bool completes, out int kind)
    {
        kind = _kinds.IndexOf(s.Type, s.Talker, variant);
        if (_open && time.HasValue && _epoch.TimeOfDayMs.HasValue && time != _epoch.TimeOfDayMs)
        {
            if (!_completed)
            {
                Close();
            }

            _open = false;
        }
        else if (_open && _completed)
        {
            if (time.HasValue && time == _lastEmittedTime)
            {
                // A sentence of the epoch already handed out (completed too early, or cut by a
                // silence): drop it; the learner learns the longer cycle from it.
                LateSentences++;
                _cycle.Late(kind, completes);
                return false;
            }

            // Anything else after a handed-out epoch opens the next one (untimed sentences such as
            // GSA/GSV that some receivers send before GGA), or is its tail (below).
            Open();
            _mayBeTail = true;
        }

        if (!_open)
        {
            Open();
        }

        if (time.HasValue && !_epoch.TimeOfDayMs.HasValue)
        {
            if (_mayBeTail && time == _lastEmittedTime && _epoch.SentenceCount > 0)
            {
                // The untimed sentences that opened this epoch were the tail of the one already
                // handed out with this time: it was completed too early, or cut by a silence
                // (idle flush). The tail is late, with this sentence; later sentences of that time
                // are late too (not a second epoch of the same time).
                _cycle.Tail(kind, completes);
                LateSentences += _epoch.SentenceCount + 1;
                _sequence--;
                _epoch.Clear();
                SetEpochTime(time.Value);
                _completed = true;
                return false;
            }

            SetEpochTime(time.Value);
            _cycle.SetTime(time.Value);
        }

        if (date.HasValue)
        {
            _epoch.Date = date;
            _carriedDate = date;
            _carriedTime = _epoch.TimeOfDayMs;
        }

        _epoch.SentenceTypes |= 1 << (int)s.Type;
        _epoch.SentenceCount++;
        return true;
    }

    // After the sentence's fields are in: tells the learner, and hands out the position or the
    // complete epoch when it says so.
    private void Learn(int kind, bool completesKind, bool position)
    {
        CycleStep step = _cycle.Observe(kind, completesKind, position, _epoch.HasPosition);
        if (!_positionSignalled && (step & CycleStep.PositionIn) != 0)
        {
            _positionSignalled = true;
            EpochMerge.Derive(_epoch);
            _sink.OnPosition(_epoch);
        }

        if ((step & CycleStep.Complete) != 0)
        {
            Close();
        }
    }

    private void Open()
    {
        _epoch.Clear();
        _epoch.Sequence = ++_sequence;
        _open = true;
        _completed = false;
        _positionSignalled = false;
        _mayBeTail = false;
        _cycle.Begin();
    }

    private void SetEpochTime(int time)
    {
        _epoch.TimeOfDayMs = time;
        if (_carriedDate is { } d)
        {
            // Carry the last date to epochs without RMC/ZDA, rolling over at midnight: a time more
            // than half a day before the last dated one is the next day.
            _epoch.Date = _carriedTime is { } last && time < last - HalfDayMs ? d.AddDays(1) : d;
        }
    }

    // Hands the open epoch out: its position first if that has not gone yet, then the epoch.
    // Whatever of its time still comes is late (its cycle learns from it).
    private void Close()
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
        if (_epoch.Date.HasValue && _epoch.TimeOfDayMs.HasValue)
        {
            _carriedDate = _epoch.Date;
            _carriedTime = _epoch.TimeOfDayMs;
        }
    }
}
