using System.Data.Common;

namespace BeidouHub.Store;

/// <summary>
/// A stored position's columns after its time, in the one order every store selects them, and the
/// reader of such a row: the stores differ only in their time column and in how they keep the
/// zone list, which they read themselves.
/// </summary>
internal static class PositionRows
{
    /// <summary>Columns 1-32 of a position row; column 0 is the store's own time column.</summary>
    public const string AfterTime = """
        sequence, quality, mode, rtk, lat, lon, alt_msl, geoid_sep, grid_epsg, grid_name, grid_n, grid_e, park_e, park_n,
        speed_mps, course_deg, hdop, vdop, pdop, sigma_lat, sigma_lon, sigma_alt, diff_age, diff_station,
        used_gps, used_glonass, used_galileo, used_beidou, used_qzss, used_navic, used_sbas, zones
        """;

    /// <summary>The index of the <c>zones</c> column in a row of (time, <see cref="AfterTime"/>).</summary>
    public const int Zones = 32;

    /// <summary>A row of (time, <see cref="AfterTime"/>), with the time and the zones as the store read them.</summary>
    public static PositionRecord Read(DbDataReader r, string receiver, DateTime time, string[] zones) => new()
    {
        Receiver = receiver,
        Time = time,
        Sequence = r.GetInt64(1),
        Quality = r.GetInt16(2),
        Mode = r.GetInt16(3),
        Rtk = r.GetInt16(4),
        Latitude = Real(r, 5),
        Longitude = Real(r, 6),
        AltitudeMsl = Real(r, 7),
        GeoidSeparation = Real(r, 8),
        GridEpsg = r.GetInt32(9),
        GridName = r.IsDBNull(10) ? null : r.GetString(10),
        GridNorthing = Real(r, 11),
        GridEasting = Real(r, 12),
        ParkEast = Real(r, 13),
        ParkNorth = Real(r, 14),
        SpeedMps = Real(r, 15),
        CourseDeg = Real(r, 16),
        Hdop = Real(r, 17),
        Vdop = Real(r, 18),
        Pdop = Real(r, 19),
        SigmaLatitude = Real(r, 20),
        SigmaLongitude = Real(r, 21),
        SigmaAltitude = Real(r, 22),
        DiffAge = Real(r, 23),
        DiffStation = r.IsDBNull(24) ? null : r.GetInt32(24),
        Used = [r.GetInt16(25), r.GetInt16(26), r.GetInt16(27), r.GetInt16(28), r.GetInt16(29), r.GetInt16(30), r.GetInt16(31)],
        Zones = zones,
    };

    private static double? Real(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);
}
