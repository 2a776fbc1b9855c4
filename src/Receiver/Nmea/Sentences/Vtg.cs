namespace BeidouHub.Receiver.Nmea.Sentences;

/// <summary>
/// VTG, course over ground and ground speed:
/// <c>$--VTG,cogt,T,cogm,M,sog,N,kph,K,mode*hh</c> (NMEA 2.3+), and the unit-less NMEA 1.x/2.0
/// form <c>$--VTG,cogt,cogm,sog,kph</c> that old receivers still send.
/// </summary>
public readonly record struct Vtg(double? CourseTrueDeg, double? CourseMagneticDeg, double? SpeedKnots, double? SpeedKph, byte? Mode)
{
    /// <summary>Speed over ground in m/s, from knots or else km/h.</summary>
    public double? SpeedMps => SpeedKnots.HasValue ? SpeedKnots * Rmc.KnotsToMps : SpeedKph / 3.6;

    /// <summary>Reads a VTG sentence; false when it is another type or a field is malformed.</summary>
    public static bool TryRead(in NmeaSentence s, out Vtg vtg)
    {
        vtg = default;
        if (s.Type != SentenceType.Vtg)
        {
            return false;
        }

        // The unit letters tell the two layouts apart: field 2 is "T" (or empty) in the modern one.
        bool modern = s.FieldCount >= 8 || s.Field(2).SequenceEqual("T"u8);
        int cogT = 1, cogM = modern ? 3 : 2, kn = modern ? 5 : 3, kph = modern ? 7 : 4;
        bool ok = NmeaField.TryGetDouble(s.Field(cogT), out double? t);
        ok &= NmeaField.TryGetDouble(s.Field(cogM), out double? m);
        ok &= NmeaField.TryGetDouble(s.Field(kn), out double? knots);
        ok &= NmeaField.TryGetDouble(s.Field(kph), out double? kmh);
        byte? mode = null;
        if (modern)
        {
            ok &= NmeaField.TryGetChar(s.Field(9), out mode);
        }

        ok &= Ranges.Angle360(t) && Ranges.Angle360(m) && Ranges.Speed(knots) && Ranges.Speed(kmh);
        if (!ok)
        {
            return false;
        }

        vtg = new Vtg(t, m, knots, kmh, mode);
        return true;
    }
}
