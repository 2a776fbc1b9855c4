namespace BeidouHub.Store;

/// <summary>
/// One receiver epoch as the history keeps it: the complete position the service streamed, less
/// the satellites (the sky is not kept) and the web-map coordinates (GCJ-02 and BD-09 follow from
/// latitude/longitude and are computed again when read).
/// </summary>
public sealed record PositionRecord
{
    /// <summary>Receiver id as configured.</summary>
    public required string Receiver { get; init; }

    /// <summary>Epoch time, UTC, to the microsecond (an epoch without a date is not kept).</summary>
    public required DateTime Time { get; init; }

    /// <summary>The receiver's epoch counter, from 1 at each start of the service.</summary>
    public long Sequence { get; init; }

    /// <summary>NMEA GGA quality code (0 no fix, 1 autonomous, 2 differential, 4 RTK fixed, 5 RTK float, ...).</summary>
    public int Quality { get; init; }

    /// <summary>0 unknown, 1 no fix, 2 two-dimensional, 3 three-dimensional (GSA/GNS).</summary>
    public int Mode { get; init; }

    /// <summary>0 not RTK, 1 RTK float, 2 RTK fixed.</summary>
    public int Rtk { get; init; }

    /// <summary>CGCS2000 latitude, degrees.</summary>
    public double? Latitude { get; init; }

    /// <summary>CGCS2000 longitude, degrees.</summary>
    public double? Longitude { get; init; }

    /// <summary>Altitude above mean sea level, metres.</summary>
    public double? AltitudeMsl { get; init; }

    /// <summary>Geoid separation, metres.</summary>
    public double? GeoidSeparation { get; init; }

    /// <summary>EPSG code of the grid; 0 for a grid without one (then <see cref="GridName"/>).</summary>
    public int GridEpsg { get; init; }

    /// <summary>Name of a grid without an EPSG code; null otherwise.</summary>
    public string? GridName { get; init; }

    /// <summary>Gauss-Kruger northing, metres.</summary>
    public double? GridNorthing { get; init; }

    /// <summary>Gauss-Kruger easting, metres.</summary>
    public double? GridEasting { get; init; }

    /// <summary>Park grid x, metres.</summary>
    public double? ParkEast { get; init; }

    /// <summary>Park grid y, metres.</summary>
    public double? ParkNorth { get; init; }

    /// <summary>Speed over ground, m/s.</summary>
    public double? SpeedMps { get; init; }

    /// <summary>Course over ground, degrees true.</summary>
    public double? CourseDeg { get; init; }

    /// <summary>Horizontal dilution of precision.</summary>
    public double? Hdop { get; init; }

    /// <summary>Vertical dilution of precision.</summary>
    public double? Vdop { get; init; }

    /// <summary>Position dilution of precision.</summary>
    public double? Pdop { get; init; }

    /// <summary>GST 1-sigma latitude error, metres.</summary>
    public double? SigmaLatitude { get; init; }

    /// <summary>GST 1-sigma longitude error, metres.</summary>
    public double? SigmaLongitude { get; init; }

    /// <summary>GST 1-sigma altitude error, metres.</summary>
    public double? SigmaAltitude { get; init; }

    /// <summary>Age of differential corrections, seconds.</summary>
    public double? DiffAge { get; init; }

    /// <summary>Differential reference station id.</summary>
    public int? DiffStation { get; init; }

    /// <summary>Satellites used, per constellation: GPS, GLONASS, Galileo, BeiDou, QZSS, NavIC, SBAS (seven entries).</summary>
    public required int[] Used { get; init; }

    /// <summary>Zones the receiver was in.</summary>
    public required string[] Zones { get; init; }
}

/// <summary>Enter, exit or dwell of a receiver in a zone.</summary>
/// <param name="Kind">0 enter, 1 exit, 2 dwell (as BeidouHub.Geo's ZoneEventKind).</param>
/// <param name="Receiver">Receiver id.</param>
/// <param name="Zone">Zone id.</param>
/// <param name="Time">When, UTC.</param>
/// <param name="ParkEast">Park grid x of the position that decided it, metres.</param>
/// <param name="ParkNorth">Park grid y, metres.</param>
public sealed record ZoneEventRecord(int Kind, string Receiver, string Zone, DateTime Time, double ParkEast, double ParkNorth);

/// <summary>A receiver's connection state changed (connecting, connected, stale, disconnected, stopped, faulted).</summary>
/// <param name="Receiver">Receiver id.</param>
/// <param name="Time">When, UTC (the service's clock).</param>
/// <param name="State">The new state's name.</param>
/// <param name="Detail">The last error, if any.</param>
public sealed record ReceiverStateRecord(string Receiver, DateTime Time, string State, string? Detail);

/// <summary>What one write stores, in one transaction.</summary>
public sealed class HistoryBatch
{
    /// <summary>Positions.</summary>
    public List<PositionRecord> Positions { get; } = [];

    /// <summary>Zone events.</summary>
    public List<ZoneEventRecord> ZoneEvents { get; } = [];

    /// <summary>Receiver state changes.</summary>
    public List<ReceiverStateRecord> States { get; } = [];

    /// <summary>Rows in the batch.</summary>
    public int Count => Positions.Count + ZoneEvents.Count + States.Count;

    /// <summary>Empties the batch for reuse.</summary>
    public void Clear()
    {
        Positions.Clear();
        ZoneEvents.Clear();
        States.Clear();
    }
}
