using System.Runtime.CompilerServices;
using BeidouHub.Receiver.Nmea;

namespace BeidouHub.Receiver.Satellites;

/// <summary>
/// A satellite's identity: constellation and its native number (BeiDou 1–63, GLONASS slot,
/// SBAS PRN 120–158). Different vendors' NMEA numberings of the same satellite map to the same id.
/// </summary>
public readonly record struct SatelliteId(Constellation Constellation, byte Svid)
{
    /// <summary>True when the number was mapped to a known constellation.</summary>
    public bool IsKnown => Constellation != Constellation.Unknown && Svid != 0;

    /// <summary>
    /// Maps an NMEA satellite number to an identity. The order of evidence follows DESIGN.md:
    /// the NMEA 4.10+ system id when the sentence carries one, then the talker, then the number
    /// ranges vendors use. Sources: NMEA 4.11 system ids (1 GPS, 2 GLONASS, 3 Galileo, 4 BeiDou,
    /// 5 QZSS, 6 NavIC); u-blox ZED-F9P interface description appendix A (401–437 BeiDou,
    /// 193–202 QZSS, 301–336 Galileo in "extended" numbering); SiRF TriG, SkyTraq and Quectel
    /// PRN+200 for BeiDou; gpsd's nmeaid_to_prn for the Quectel and Jackson Labs quirks.
    /// </summary>
    /// <param name="talker">The sentence's talker.</param>
    /// <param name="number">The satellite number as sent.</param>
    /// <param name="systemId">The NMEA system id, when the sentence has one (GSA field 18, PQGSV/PQGSA trailer).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SatelliteId FromNmea(Talker talker, int number, int systemId = 0)
    {
        if ((uint)(number - 1) >= MaxNumber)
        {
            return default;
        }

        // The answer depends on (system id, number) or, without a system id, on (talker, number):
        // one table look-up either way.
        if ((uint)(systemId - 1) < SystemCount)
        {
            return BySystem[((systemId - 1) * (MaxNumber + 1)) + number];
        }

        return (uint)talker < TalkerCount ? ByTalker[((int)talker * (MaxNumber + 1)) + number] : FromTalker(talker, number);
    }

    private const int MaxNumber = 999;
    private const int TalkerCount = (int)Talker.Proprietary + 1;
    private const int SystemCount = 6;

    // FromTalker for every talker and FromSystem for every system id 1-6, numbers 0-999 (36 KB), filled once.
    private static readonly SatelliteId[] ByTalker = BuildTable(TalkerCount, static (t, n) => FromTalker((Talker)t, n));
    private static readonly SatelliteId[] BySystem = BuildTable(SystemCount, static (i, n) => FromSystem(i + 1, n));

    private static SatelliteId[] BuildTable(int rows, Func<int, int, SatelliteId> map)
    {
        var table = new SatelliteId[rows * (MaxNumber + 1)];
        for (int row = 0; row < rows; row++)
        {
            for (int n = 1; n <= MaxNumber; n++)
            {
                table[(row * (MaxNumber + 1)) + n] = map(row, n);
            }
        }

        return table;
    }

    private static SatelliteId FromSystem(int systemId, int number) => systemId switch
    {
        1 => FromGpsSystem(number),
        2 => Glonass(number),
        3 => Galileo(number),
        4 => Beidou(number),
        5 => Qzss(number),
        _ => Make(Constellation.Navic, number, 1, 14),
    };

    private static SatelliteId FromTalker(Talker talker, int number) => talker switch
    {
        // BeiDou talkers: 1-63 are BeiDou, never SBAS (BDS-3 uses C33-C63). gpsd reads
        // 33-64 as SBAS whatever the talker, which mislabels BDS-3 satellites.
        Talker.Gb or Talker.Bd or Talker.Pq => Beidou(number),
        Talker.Gl => Glonass(number),
        Talker.Ga => Galileo(number),
        Talker.Gq or Talker.Qz => Qzss(number),
        Talker.Gi => Make(Constellation.Navic, number, 1, 14),
        _ => ByRange(number),
    };

    // GP, GN and unknown talkers: the NMEA 2.x-4.0 "extended" ranges.
    private static SatelliteId ByRange(int n) => n switch
    {
        <= 32 => new SatelliteId(Constellation.Gps, (byte)n),
        <= 64 => new SatelliteId(Constellation.Sbas, (byte)(n + 87)), // NMEA 33-64 = SBAS PRN 120-151
        <= 96 => new SatelliteId(Constellation.Glonass, (byte)(n - 64)),
        >= 120 and <= 158 => new SatelliteId(Constellation.Sbas, (byte)n),
        >= 193 and <= 200 => new SatelliteId(Constellation.Qzss, (byte)(n - 192)),
        >= 201 and <= 263 => new SatelliteId(Constellation.Beidou, (byte)(n - 200)),
        >= 301 and <= 336 => new SatelliteId(Constellation.Galileo, (byte)(n - 300)),
        >= 401 and <= 463 => new SatelliteId(Constellation.Beidou, (byte)(n - 400)),
        _ => default,
    };

    private static SatelliteId FromGpsSystem(int n) => n switch
    {
        <= 32 => new SatelliteId(Constellation.Gps, (byte)n),
        <= 64 => new SatelliteId(Constellation.Sbas, (byte)(n + 87)),
        >= 120 and <= 158 => new SatelliteId(Constellation.Sbas, (byte)n),
        >= 193 and <= 200 => new SatelliteId(Constellation.Qzss, (byte)(n - 192)),
        // Quectel puts BeiDou as 201-264 under system id 1 (gpsd: "Quectel Querk").
        >= 201 and <= 263 => new SatelliteId(Constellation.Beidou, (byte)(n - 200)),
        _ => default,
    };

    private static SatelliteId Beidou(int n) => n switch
    {
        <= 63 => new SatelliteId(Constellation.Beidou, (byte)n),
        >= 201 and <= 263 => new SatelliteId(Constellation.Beidou, (byte)(n - 200)),
        >= 401 and <= 463 => new SatelliteId(Constellation.Beidou, (byte)(n - 400)),
        _ => default,
    };

    private static SatelliteId Glonass(int n) => n switch
    {
        <= 32 => new SatelliteId(Constellation.Glonass, (byte)n),
        >= 65 and <= 96 => new SatelliteId(Constellation.Glonass, (byte)(n - 64)),
        _ => default,
    };

    private static SatelliteId Galileo(int n) => n switch
    {
        <= 36 => new SatelliteId(Constellation.Galileo, (byte)n),
        >= 101 and <= 136 => new SatelliteId(Constellation.Galileo, (byte)(n - 100)), // Quectel
        >= 301 and <= 336 => new SatelliteId(Constellation.Galileo, (byte)(n - 300)),
        _ => default,
    };

    private static SatelliteId Qzss(int n) => n switch
    {
        <= 10 => new SatelliteId(Constellation.Qzss, (byte)n),
        >= 193 and <= 202 => new SatelliteId(Constellation.Qzss, (byte)(n - 192)),
        _ => default,
    };

    private static SatelliteId Make(Constellation c, int n, int min, int max) =>
        n >= min && n <= max ? new SatelliteId(c, (byte)n) : default;
}
