namespace BeidouHub.Receiver.Nmea.Sentences;

/// <summary>
/// GGA, global positioning system fix data:
/// <c>$--GGA,hhmmss.ss,llll.ll,a,yyyyy.yy,a,q,nn,h.h,a.a,M,g.g,M,age,sta*hh</c>.
/// Altitude is above mean sea level (the receiver's geoid) and the geoid separation is
/// ellipsoid minus geoid, both metres. Age of differential data in seconds and the
/// reference station id (0000–1023 in NMEA 0183, from RTCM 2; RTCM 3 stations go to 4095, so any 4-digit id is read) matter to RTK users.
/// A station 0000 without an age is no station (see <see cref="ReferenceStation"/>).
/// </summary>
public readonly record struct Gga(
    int? TimeOfDayMs,
    double? Latitude,
    double? Longitude,
    GgaQuality? Quality,
    int? SatellitesUsed,
    double? Hdop,
    double? AltitudeMsl,
    double? GeoidSeparation,
    double? DifferentialAge,
    int? DifferentialStation)
{
    /// <summary>Reads a GGA sentence; false when it is another type or a field is malformed or out of range.</summary>
    public static bool TryRead(in NmeaSentence s, out Gga gga)
    {
        gga = default;
        if (s.Type != SentenceType.Gga)
        {
            return false;
        }

        bool ok = NmeaField.TryGetTime(s.Field(1), out int? time);
        ok &= NmeaField.TryGetCoordinate(s.Field(2), s.Field(3), 90, out double? lat);
        ok &= NmeaField.TryGetCoordinate(s.Field(4), s.Field(5), 180, out double? lon);
        ok &= NmeaField.TryGetInt(s.Field(6), out int? quality);
        ok &= NmeaField.TryGetInt(s.Field(7), out int? used);
        ok &= NmeaField.TryGetDouble(s.Field(8), out double? hdop);
        ok &= NmeaField.TryGetDouble(s.Field(9), out double? alt);
        ok &= NmeaField.TryGetDouble(s.Field(11), out double? sep);
        ok &= NmeaField.TryGetDouble(s.Field(13), out double? age);
        ok &= NmeaField.TryGetInt(s.Field(14), out int? station);
        ok &= quality is null or (>= 0 and <= 8)
            && used is null or (>= 0 and <= 99)
            && Ranges.Dop(hdop) && Ranges.Altitude(alt) && Ranges.GeoidSeparation(sep)
            && age is null or (>= 0 and < 100000)
            && station is null or (>= 0 and <= 9999)
            && lat.HasValue == lon.HasValue;
        if (!ok)
        {
            return false;
        }

        gga = new Gga(time, lat, lon, (GgaQuality?)quality, used, hdop, alt, sep, age, ReferenceStation(station, age));
        return true;
    }

    // The station field is "null if non-DGPS" (Garmin GPS 35 manual, GGA field 12; Trimble: "a null
    // field when ... no corrections are received"), but SiRF (TriG, SiRFstarV), SkyTraq and u-blox
    // (NEO-M9N, the iSync's module) send 0000 with an empty age when they have no station (gpsd
    // test/daemon beidou-bd, sirfstarv-nmea, skytraq-fixB, ublox-neo-m9n-nmea, isync): station 0
    // without an age is that filler. With an age it is a station (SkyTraq RTK float: 1.000,0000);
    // a station other than 0 without an age is kept (u-blox ZED-F9P DGPS: ,,0278). GNS has the
    // same two fields.
    internal static int? ReferenceStation(int? station, double? age) => station == 0 && age is null ? null : station;
}
