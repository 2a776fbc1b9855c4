using BeidouHub.Geo;
using BeidouHub.Geo.Zones;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Service.Hub;

namespace BeidouHub.Service.Receivers;

/// <summary>
/// A receiver's epochs into the hub: early positions (only while someone wants them), complete
/// positions with zone membership, sky views, and zone events. Runs on the receiver's worker thread.
/// </summary>
internal sealed class EpochPublisher : IEpochSink
{
    private readonly PositionHub _hub;
    private readonly GeoPipeline _geo;
    private readonly List<ZoneEvent> _events = [];
    private readonly List<string> _inside = [];

    public EpochPublisher(PositionHub hub, GeoPipeline geo)
    {
        _hub = hub;
        _geo = geo;
    }

    public long Epochs { get; private set; }

    /// <summary>Added to every epoch's sequence (a cluster lease's base; 0 alone). Set while the worker is not running.</summary>
    public long SequenceBase { get; set; }

    /// <summary>The last epoch's own sequence (before the base), for the next lease's base.</summary>
    public long LastSequence { get; private set; }

    public void OnPosition(Epoch epoch)
    {
        if (_hub.WantsEarly)
        {
            _hub.Publish(PositionUpdate.From(epoch, complete: false, _geo, ZonesOf(epoch.Receiver), _hub.Time.GetUtcNow(), SequenceBase));
        }
    }

    public void OnEpoch(Epoch epoch)
    {
        Epochs++;
        LastSequence = epoch.Sequence;
        if (epoch.Latitude is { } lat && epoch.Longitude is { } lon && _geo.Zones.ZoneCount > 0)
        {
            _events.Clear();
            DateTimeOffset time = epoch.UtcTime is { } t ? new DateTimeOffset(t) : _hub.Time.GetUtcNow();
            _geo.Zones.Update(epoch.Receiver, time, new GeodeticPoint(lat, lon), _events);
            foreach (ZoneEvent e in _events)
            {
                _hub.Publish(new ZoneUpdate(e));
            }
        }

        PositionUpdate update = PositionUpdate.From(epoch, complete: true, _geo, ZonesOf(epoch.Receiver), _hub.Time.GetUtcNow(), SequenceBase);
        _hub.Publish(update);
        if (epoch.HasSky)
        {
            _hub.Publish(new SkyUpdate(epoch.Receiver, update.Sequence, epoch.UtcTime, update.Satellites, update.UsedPerConstellation));
        }
    }

    private string[] ZonesOf(string receiver)
    {
        if (_geo.Zones.ZoneCount == 0)
        {
            return [];
        }

        _inside.Clear();
        _geo.Zones.InsideZones(receiver, _inside);
        return _inside.Count == 0 ? [] : [.. _inside];
    }
}
