using BeidouHub.Receiver.Corrections;
using BeidouHub.Receiver.Workers;
using BeidouHub.Service.Hub;
using BeidouHub.Service.Receivers;

namespace BeidouHub.Service.Corrections;

/// <summary>
/// Runs one <see cref="NtripClient"/> per receiver that <c>BeidouHub:Corrections</c> serves: its GGA
/// from the hub's latest position of that receiver (the hub is where positions are), its RTCM
/// frames written down the receiver worker's own connection (the worker owns it; the client owns
/// only its socket to the caster).
/// </summary>
internal sealed class CorrectionsHost : BackgroundService
{
    private readonly Dictionary<string, NtripClient> _clients = new(StringComparer.Ordinal);

    public CorrectionsHost(IEnumerable<CorrectionPlan> plans, ReceiverHost receivers, PositionHub hub, TimeProvider time, ILoggerFactory loggers)
    {
        ILogger log = loggers.CreateLogger<NtripClient>();
        Dictionary<string, ReceiverWorker> workers = receivers.Workers.ToDictionary(w => w.Id, StringComparer.Ordinal);
        foreach (CorrectionPlan plan in plans)
        {
            if (!workers.TryGetValue(plan.ReceiverId, out ReceiverWorker? worker))
            {
                continue;
            }

            string id = plan.ReceiverId;
            GgaPosition? lastFix = null;
            _clients[id] = new NtripClient(plan.Options, () =>
            {
                // None while the receiver is not connected here (unplugged; in a cluster, read by
                // another node), so no caster seat is held for it; else its last fix, also through
                // a few epochs without one (under a bridge), when corrections matter most.
                if (!worker.AcceptsWrites)
                {
                    return null;
                }

                lastFix = Position(hub, id) ?? lastFix;
                return lastFix;
            }, worker.TryWriteAsync, log, time);
        }
    }

    /// <summary>The correction stream of a receiver, or null when none is configured for it.</summary>
    public NtripClient? For(string receiverId) => _clients.GetValueOrDefault(receiverId);

    public IReadOnlyCollection<NtripClient> Clients => _clients.Values;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_clients.Values.Select(c => Task.Run(() => c.RunAsync(stoppingToken), CancellationToken.None)));

    // The receiver's latest complete position with a fix, as the caster is to be told it.
    internal static GgaPosition? Position(PositionHub hub, string receiverId)
    {
        if (!hub.TryGetLatest(receiverId, out PositionUpdate? u) || u!.Latitude is not { } lat || u.Longitude is not { } lon)
        {
            return null;
        }

        int used = u.UsedPerConstellation.Sum();
        return new GgaPosition(lat, lon, u.AltitudeMsl, u.GeoidSeparation, (int)(u.Quality ?? Receiver.Nmea.Sentences.GgaQuality.Autonomous),
            used > 0 ? used : null, u.Hdop, u.DiffAge, u.DiffStation);
    }
}
