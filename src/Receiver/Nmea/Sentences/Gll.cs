namespace BeidouHub.Receiver.Nmea.Sentences;

/// <summary>
/// GLL, geographic position: <c>$--GLL,llll.ll,a,yyyyy.yy,a,hhmmss.ss,A,mode*hh</c>.
/// Status <c>A</c> = valid; the mode indicator (NMEA 2.3+) as in RMC.
/// </summary>
public readonly record struct Gll(double? Latitude, double? Longitude, int? TimeOfDayMs, byte? Status, byte? Mode)
{
    /// <summary>Reads a GLL sentence; false when it is another type or a field is malformed.</summary>
    public static bool TryRead(in NmeaSentence s, out Gll gll)
    {
        gll = default;
        if (s.Type != SentenceType.Gll)
        {
            return false;
        }

        bool ok = NmeaField.TryGetCoordinate(s.Field(1), s.Field(2), 90, out double? lat);
        ok &= NmeaField.TryGetCoordinate(s.Field(3), s.Field(4), 180, out double? lon);
        ok &= NmeaField.TryGetTime(s.Field(5), out int? time);
        ok &= NmeaField.TryGetChar(s.Field(6), out byte? status);
        ok &= NmeaField.TryGetChar(s.Field(7), out byte? mode);
        if (!ok || lat.HasValue != lon.HasValue)
        {
            return false;
        }

        gll = new Gll(lat, lon, time, status, mode);
        return true;
    }
}
