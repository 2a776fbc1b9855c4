namespace BeidouHub.Receiver.Nmea.Sentences;

/// <summary>
/// GNS, GNSS fix data: <c>$--GNS,hhmmss.ss,llll.ll,a,yyyyy.yy,a,mode,nn,hdop,alt,sep,age,sta,nav*hh</c>.
/// The mode string has one FAA mode letter per system, in the order GPS, GLONASS, Galileo,
/// BeiDou, QZSS, NavIC (NMEA 4.11; SiRF TriG sends <c>ANNA</c>, Telit <c>AAAAN</c>).
/// </summary>
public readonly record struct Gns(
    int? TimeOfDayMs,
    double? Latitude,
    double? Longitude,
    ulong ModeLetters,
    int ModeLength,
    int? SatellitesUsed,
    double? Hdop,
    double? AltitudeMsl,
    double? GeoidSeparation,
    double? DifferentialAge,
    int? DifferentialStation,
    byte? NavStatus)
{
    /// <summary>The mode letter for system <paramref name="index"/> (0 = GPS ... 3 = BeiDou), or null.</summary>
    public byte? Mode(int index) => index >= 0 && index < ModeLength ? (byte)(ModeLetters >> (8 * index)) : null;

    /// <summary>True when any system's mode letter says the fix is usable (anything but N and V).</summary>
    public bool HasFix
    {
        get
        {
            for (int i = 0; i < ModeLength; i++)
            {
                if (Mode(i) is not ((byte)'N' or (byte)'V'))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Reads a GNS sentence; false when it is another type or a field is malformed.</summary>
    public static bool TryRead(in NmeaSentence s, out Gns gns)
    {
        gns = default;
        if (s.Type != SentenceType.Gns)
        {
            return false;
        }

        ReadOnlySpan<byte> modeField = s.Field(6);
        if (modeField.Length > 8)
        {
            return false;
        }

        ulong letters = 0;
        for (int i = 0; i < modeField.Length; i++)
        {
            byte b = modeField[i];
            if (b < (byte)'A' || b > (byte)'Z')
            {
                return false;
            }

            letters |= (ulong)b << (8 * i);
        }

        bool ok = NmeaField.TryGetTime(s.Field(1), out int? time);
        ok &= NmeaField.TryGetCoordinate(s.Field(2), s.Field(3), 90, out double? lat);
        ok &= NmeaField.TryGetCoordinate(s.Field(4), s.Field(5), 180, out double? lon);
        ok &= NmeaField.TryGetInt(s.Field(7), out int? used);
        ok &= NmeaField.TryGetDouble(s.Field(8), out double? hdop);
        ok &= NmeaField.TryGetDouble(s.Field(9), out double? alt);
        ok &= NmeaField.TryGetDouble(s.Field(10), out double? sep);
        ok &= NmeaField.TryGetDouble(s.Field(11), out double? age);
        ok &= NmeaField.TryGetInt(s.Field(12), out int? station);
        ok &= NmeaField.TryGetChar(s.Field(13), out byte? nav);
        ok &= used is null or (>= 0 and <= 99) && Ranges.Dop(hdop) && Ranges.Altitude(alt) && Ranges.GeoidSeparation(sep)
            && age is null or (>= 0 and < 100000) && station is null or (>= 0 and <= 9999) && lat.HasValue == lon.HasValue;
        if (!ok)
        {
            return false;
        }

        gns = new Gns(time, lat, lon, letters, modeField.Length, used, hdop, alt, sep, age, Gga.ReferenceStation(station, age), nav);
        return true;
    }
}
