using System.Runtime.CompilerServices;
using BeidouHub.Receiver.Nmea;

namespace BeidouHub.Receiver.Decoding;

/// <summary>
/// Counters of one receiver's sentence stream: what was read, by type and talker, and what was
/// rejected, by reason. Written by the receiver's worker only; read as snapshots.
/// </summary>
public sealed class NmeaStatistics
{
    private readonly long[] _byType = new long[Enum.GetValues<SentenceType>().Length];
    private readonly long[] _byTalker = new long[Enum.GetValues<Talker>().Length];
    private readonly long[] _byError = new long[Enum.GetValues<NmeaError>().Length];
    private long _bytes;
    private long _sentences;
    private long _withoutChecksum;

    /// <summary>Bytes handed to the decoder.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Sentences that passed the sentence parser (checksum good or absent-and-allowed).</summary>
    public long Sentences => Volatile.Read(ref _sentences);

    /// <summary>Accepted sentences that had no checksum (gpsd 3.22 accepts them too; 3.27 rejects them).</summary>
    public long WithoutChecksum => Volatile.Read(ref _withoutChecksum);

    /// <summary>Sentences whose checksum did not match.</summary>
    public long ChecksumFailures => Rejected(NmeaError.ChecksumMismatch);

    /// <summary>Accepted sentences of one type (<see cref="SentenceType.Unknown"/>: unknown and proprietary ones).</summary>
    public long OfType(SentenceType type) => Volatile.Read(ref _byType[(int)type]);

    /// <summary>Accepted sentences of one talker.</summary>
    public long OfTalker(Talker talker) => Volatile.Read(ref _byTalker[(int)talker]);

    /// <summary>Candidate lines rejected for one reason (fields rejected by typed readers count as <see cref="NmeaError.BadField"/>).</summary>
    public long Rejected(NmeaError error) => Volatile.Read(ref _byError[(int)error]);

    /// <summary>All rejected lines and sentences.</summary>
    public long RejectedTotal
    {
        get
        {
            long sum = 0;
            for (int i = 1; i < _byError.Length; i++)
            {
                sum += Volatile.Read(ref _byError[i]);
            }

            return sum;
        }
    }

    internal void CountBytes(long n) => _bytes += n;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void CountSentence(in NmeaSentence s)
    {
        _sentences++;
        _byType[(int)s.Type]++;
        _byTalker[(int)s.Talker]++;
        if (!s.HasChecksum)
        {
            _withoutChecksum++;
        }
    }

    internal void CountError(NmeaError error) => _byError[(int)error]++;
}
