using System.Diagnostics;
using BeidouHub.Protocol.V1;

namespace BeidouHub.Bench.Load;

/// <summary>
/// What a BeidouHub subscriber does with each Position it holds, whichever gRPC client brought it
/// (<see cref="Subscriber"/>: Grpc.Net.Client; <see cref="H2Subscriber"/>: HTTP/2 frames read off a
/// plain socket): it finds the epoch by (receiver id, time of day) and subtracts the feeder's stamp
/// of that epoch (EARLY or COMPLETE, as the position says). Counts only epochs whose stamp lies in
/// the measured window, so "received" compares with the feeder's count of epochs written in that
/// window. Without a feeder (replay) it counts by receive time and measures no latency.
/// </summary>
internal abstract class PositionWatcher(StreamPositionsRequest request, SeedEpochs? seed, Feeder? feeder, long windowStart, long windowEnd) : IWatcher
{
    public bool Early => request.Delivery == Delivery.Early;

    public LatencyHistogram Latency { get; } = new();

    /// <summary>The service's part: Position.published_at (service clock, same machine) to held.</summary>
    public LatencyHistogram FromPublish { get; } = new();

    /// <summary>Positions of the window received.</summary>
    public long Received { get; private set; }

    /// <summary>Position.dropped summed over messages received in the window.</summary>
    public long Dropped { get; private set; }

    /// <summary>Positions whose epoch the feeder no longer (or never) knew: should stay 0.</summary>
    public long Unmatched { get; private set; }

    /// <summary>
    /// Positions received before the feeder wrote the byte they are measured from: a COMPLETE
    /// epoch handed out before its last sentence (the assembler ended the cycle too soon).
    /// </summary>
    public long BeforeLastByte => BeforeLastBytePerReceiver.Values.Sum(n => (long)n);

    /// <summary>
    /// <see cref="BeforeLastByte"/> per receiver. One at a receiver's join is expected (its first
    /// whole-second epoch completes at GST before a ZDA was ever seen); more point at a cycle the
    /// assembler keeps getting wrong.
    /// </summary>
    public Dictionary<int, int> BeforeLastBytePerReceiver { get; } = [];

    /// <summary>Positions of the other delivery kind (the snapshot at subscription, a complete one, is expected).</summary>
    public long OtherKind { get; private set; }

    public Exception? Error { get; protected set; }

    /// <summary>With --samples: each measured position's feeder stamp and held moment (Stopwatch ticks) and published_at (µs of the Unix wall clock).</summary>
    public List<(long Stamp, long Held, long PublishedUs)>? Samples { get; init; }

    protected StreamPositionsRequest Request => request;

    public abstract Task RunAsync(CancellationToken cancellationToken);

    /// <summary>One Position held at <paramref name="now"/> (Stopwatch) / <paramref name="wallNow"/>.</summary>
    protected void Hold(Position p, long now, DateTime wallNow)
    {
        if (feeder is null)
        {
            if (now >= windowStart && now < windowEnd)
            {
                Received++;
                Dropped += (long)p.Dropped;
            }

            return;
        }

        if (p.Complete == Early)
        {
            OtherKind++;
            return;
        }

        int receiver = -1;
        long stamp = seed!.TryIndexOf((int)p.TimeOfDayMs, out int epoch) && TryReceiverIndex(p.ReceiverId, out receiver)
            ? feeder.Stamp(receiver, epoch, p.Complete)
            : 0;
        if (stamp <= 0)
        {
            if (stamp == 0)
            {
                Unmatched++;
            }
            else
            {
                BeforeLastBytePerReceiver[receiver] = BeforeLastBytePerReceiver.GetValueOrDefault(receiver) + 1;
            }

            return;
        }

        if (stamp >= windowStart && stamp < windowEnd)
        {
            Received++;
            Dropped += (long)p.Dropped;
            Latency.Add(now - stamp);
            long publishedUs = 0;
            if (p.PublishedAt is { } published)
            {
                DateTime publishedAt = published.ToDateTime();
                FromPublish.Add((long)((wallNow - publishedAt).TotalSeconds * Stopwatch.Frequency));
                publishedUs = (publishedAt - DateTime.UnixEpoch).Ticks / 10;
            }

            Samples?.Add((stamp, now, publishedUs));
        }
    }

    // Receiver ids are "rx-{index}".
    internal static bool TryReceiverIndex(string id, out int index)
    {
        index = 0;
        int dash = id.LastIndexOf('-');
        if (dash < 0 || dash == id.Length - 1)
        {
            return false;
        }

        for (int i = dash + 1; i < id.Length; i++)
        {
            int d = id[i] - '0';
            if ((uint)d > 9)
            {
                return false;
            }

            index = (index * 10) + d;
        }

        return true;
    }
}
