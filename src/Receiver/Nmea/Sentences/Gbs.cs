namespace BeidouHub.Receiver.Nmea.Sentences;

/// <summary>
/// GBS, GNSS satellite fault detection (RAIM):
/// <c>$--GBS,hhmmss.ss,errlat,errlon,erralt,svid,prob,bias,sdbias,system,signal*hh</c>.
/// Expected errors in metres; the most likely failed satellite as an NMEA number; system and
/// signal id are NMEA 4.10+ (u-blox leaves the probability empty).
/// </summary>
public readonly record struct Gbs(
    int? TimeOfDayMs,
    double? ErrorLatitude,
    double? ErrorLongitude,
    double? ErrorAltitude,
    int? FailedSatellite,
    double? Probability,
    double? Bias,
    double? BiasSigma,
    byte? SystemId,
    byte? SignalId)
{
    /// <summary>Reads a GBS sentence; false when it is another type or a field is malformed.</summary>
    public static bool TryRead(in NmeaSentence s, out Gbs gbs)
    {
        gbs = default;
        if (s.Type != SentenceType.Gbs)
        {
            return false;
        }

        bool ok = NmeaField.TryGetTime(s.Field(1), out int? time);
        ok &= NmeaField.TryGetDouble(s.Field(2), out double? lat);
        ok &= NmeaField.TryGetDouble(s.Field(3), out double? lon);
        ok &= NmeaField.TryGetDouble(s.Field(4), out double? alt);
        ok &= NmeaField.TryGetInt(s.Field(5), out int? sv);
        ok &= NmeaField.TryGetDouble(s.Field(6), out double? prob);
        ok &= NmeaField.TryGetDouble(s.Field(7), out double? bias);
        ok &= NmeaField.TryGetDouble(s.Field(8), out double? sd);
        ok &= NmeaField.TryGetHexDigit(s.Field(9), out byte? system);
        ok &= NmeaField.TryGetHexDigit(s.Field(10), out byte? signal);
        ok &= Ranges.Sigma(lat) && Ranges.Sigma(lon) && Ranges.Sigma(alt) && prob is null or (>= 0 and <= 1) && sv is null or (>= 0 and <= 999);
        if (!ok)
        {
            return false;
        }

        gbs = new Gbs(time, lat, lon, alt, sv, prob, bias, sd, system, signal);
        return true;
    }
}
