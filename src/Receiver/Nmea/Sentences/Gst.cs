namespace BeidouHub.Receiver.Nmea.Sentences;

/// <summary>
/// GST, pseudorange error statistics: <c>$--GST,hhmmss.ss,rms,smaj,smin,orient,sdlat,sdlon,sdalt*hh</c>.
/// RMS of range residuals and the 1-sigma error ellipse (semi-major, semi-minor in metres,
/// orientation in degrees from true north) and 1-sigma errors of latitude, longitude, altitude (metres).
/// </summary>
public readonly record struct Gst(
    int? TimeOfDayMs,
    double? RangeRms,
    double? SemiMajor,
    double? SemiMinor,
    double? Orientation,
    double? SigmaLatitude,
    double? SigmaLongitude,
    double? SigmaAltitude)
{
    /// <summary>Reads a GST sentence; false when it is another type or a field is malformed.</summary>
    public static bool TryRead(in NmeaSentence s, out Gst gst)
    {
        gst = default;
        if (s.Type != SentenceType.Gst)
        {
            return false;
        }

        bool ok = NmeaField.TryGetTime(s.Field(1), out int? time);
        ok &= NmeaField.TryGetDouble(s.Field(2), out double? rms);
        ok &= NmeaField.TryGetDouble(s.Field(3), out double? major);
        ok &= NmeaField.TryGetDouble(s.Field(4), out double? minor);
        ok &= NmeaField.TryGetDouble(s.Field(5), out double? orient);
        ok &= NmeaField.TryGetDouble(s.Field(6), out double? lat);
        ok &= NmeaField.TryGetDouble(s.Field(7), out double? lon);
        ok &= NmeaField.TryGetDouble(s.Field(8), out double? alt);
        ok &= Ranges.Sigma(rms) && Ranges.Sigma(major) && Ranges.Sigma(minor) && orient is null or (>= -360 and <= 360)
            && Ranges.Sigma(lat) && Ranges.Sigma(lon) && Ranges.Sigma(alt);
        if (!ok)
        {
            return false;
        }

        gst = new Gst(time, rms, major, minor, orient, lat, lon, alt);
        return true;
    }
}
