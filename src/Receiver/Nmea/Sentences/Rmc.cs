namespace BeidouHub.Receiver.Nmea.Sentences;

/// <summary>
/// RMC, recommended minimum specific GNSS data:
/// <c>$--RMC,hhmmss.ss,A,llll.ll,a,yyyyy.yy,a,sog,cog,ddmmyy,mv,E,mode,nav*hh</c>.
/// Speed over ground in knots (as sent; <see cref="SpeedMps"/> converts), course in degrees true.
/// <see cref="Mode"/> is the FAA mode indicator (NMEA 2.3+: A D E F M N P R S); <see cref="NavStatus"/>
/// is NMEA 4.10's navigational status (S C U V). Real receivers send <c>V</c> there with good
/// fixes, so it never means "no fix" here.
/// </summary>
public readonly record struct Rmc(
    int? TimeOfDayMs,
    byte? Status,
    double? Latitude,
    double? Longitude,
    double? SpeedKnots,
    double? CourseDeg,
    NmeaDate? Date,
    double? MagneticVariation,
    byte? Mode,
    byte? NavStatus)
{
    /// <summary>Knots to metres per second (1 kn = 1852 m/h).</summary>
    public const double KnotsToMps = 1852.0 / 3600.0;

    /// <summary>Speed over ground in m/s.</summary>
    public double? SpeedMps => SpeedKnots * KnotsToMps;

    /// <summary>True when the status field says <c>A</c> (data valid).</summary>
    public bool IsValid => Status == (byte)'A';

    /// <summary>Reads an RMC sentence; false when it is another type or a field is malformed or out of range.</summary>
    public static bool TryRead(in NmeaSentence s, out Rmc rmc)
    {
        rmc = default;
        if (s.Type != SentenceType.Rmc)
        {
            return false;
        }

        bool ok = NmeaField.TryGetTime(s.Field(1), out int? time);
        ok &= NmeaField.TryGetChar(s.Field(2), out byte? status);
        ok &= NmeaField.TryGetCoordinate(s.Field(3), s.Field(4), 90, out double? lat);
        ok &= NmeaField.TryGetCoordinate(s.Field(5), s.Field(6), 180, out double? lon);
        ok &= NmeaField.TryGetDouble(s.Field(7), out double? sog);
        ok &= NmeaField.TryGetDouble(s.Field(8), out double? cog);
        ok &= NmeaField.TryGetDate(s.Field(9), out NmeaDate? date);
        ok &= NmeaField.TryGetDouble(s.Field(10), out double? magvar);
        ok &= NmeaField.TryGetChar(s.Field(11), out byte? magvarDir);
        ok &= NmeaField.TryGetChar(s.Field(12), out byte? mode);
        ok &= NmeaField.TryGetChar(s.Field(13), out byte? nav);
        ok &= Ranges.Speed(sog) && Ranges.Angle360(cog) && magvar is null or (>= 0 and <= 180)
            && lat.HasValue == lon.HasValue;
        if (!ok)
        {
            return false;
        }

        if (magvar.HasValue && magvarDir == (byte)'W')
        {
            magvar = -magvar;
        }

        rmc = new Rmc(time, status, lat, lon, sog, cog, date, magvar, mode, nav);
        return true;
    }
}
