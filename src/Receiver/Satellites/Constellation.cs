namespace BeidouHub.Receiver.Satellites;

/// <summary>A satellite system. The numbers are BeidouHub's own, stable in recordings and APIs.</summary>
public enum Constellation : byte
{
    /// <summary>Not known (a number no convention maps).</summary>
    Unknown = 0,
    /// <summary>GPS, svid 1–32.</summary>
    Gps = 1,
    /// <summary>GLONASS, slot 1–32.</summary>
    Glonass = 2,
    /// <summary>Galileo, svid 1–36.</summary>
    Galileo = 3,
    /// <summary>BeiDou (BDS-2 and BDS-3), svid 1–63.</summary>
    Beidou = 4,
    /// <summary>QZSS, svid 1–10.</summary>
    Qzss = 5,
    /// <summary>NavIC (IRNSS), svid 1–14.</summary>
    Navic = 6,
    /// <summary>SBAS (WAAS, EGNOS, MSAS, GAGAN, SDCM, BDSBAS), by PRN 120–158.</summary>
    Sbas = 7,
}

/// <summary>Names of <see cref="Constellation"/> as they appear at the edges (JSON, logs).</summary>
public static class ConstellationNames
{
    /// <summary>Number of <see cref="Constellation"/> values, for per-constellation arrays.</summary>
    public const int Count = 8;

    /// <summary>The lower-case name used in the decode record: gps glonass galileo beidou qzss navic sbas.</summary>
    public static string ToName(this Constellation constellation) => constellation switch
    {
        Constellation.Gps => "gps",
        Constellation.Glonass => "glonass",
        Constellation.Galileo => "galileo",
        Constellation.Beidou => "beidou",
        Constellation.Qzss => "qzss",
        Constellation.Navic => "navic",
        Constellation.Sbas => "sbas",
        _ => "unknown",
    };
}
