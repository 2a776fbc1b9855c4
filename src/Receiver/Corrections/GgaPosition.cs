using System.Globalization;
using System.Text;

namespace BeidouHub.Receiver.Corrections;

/// <summary>
/// What a caster is told of a receiver's position (NMEA GGA upstream: VRS and nearest-base casters
/// pick or compute the corrections for it). Latitude/longitude in degrees, altitude above mean sea
/// level and geoid separation in metres, the GGA quality code.
/// </summary>
public readonly record struct GgaPosition(
    double Latitude,
    double Longitude,
    double? AltitudeMsl = null,
    double? GeoidSeparation = null,
    int Quality = 1,
    int? SatellitesUsed = null,
    double? Hdop = null,
    double? DiffAge = null,
    int? DiffStation = null)
{
    /// <summary>
    /// The GGA sentence with its checksum and CR LF, stamped <paramref name="utc"/> (now: the time the
    /// caster is told, whatever the age of the position). Talker <c>GP</c>, which every caster takes
    /// (RTKLIB sends <c>$GPGGA</c> too); unknown fields are empty, as NMEA 0183 allows.
    /// </summary>
    public string ToSentence(DateTimeOffset utc)
    {
        var s = new StringBuilder(96);
        TimeSpan t = utc.UtcDateTime.TimeOfDay;
        s.Append(CultureInfo.InvariantCulture, $"$GPGGA,{t.Hours:00}{t.Minutes:00}{t.Seconds:00}.{t.Milliseconds / 10:00},");
        Angle(s, Latitude, 2, 'N', 'S');
        s.Append(',');
        Angle(s, Longitude, 3, 'E', 'W');
        s.Append(CultureInfo.InvariantCulture, $",{Math.Clamp(Quality, 0, 8)},");
        if (SatellitesUsed is { } used)
        {
            s.Append(CultureInfo.InvariantCulture, $"{Math.Clamp(used, 0, 99):00}");
        }

        s.Append(',');
        Number(s, Hdop, "0.0#");
        s.Append(',');
        Number(s, AltitudeMsl, "0.000");
        s.Append(",M,");
        Number(s, GeoidSeparation, "0.000");
        s.Append(",M,");
        Number(s, DiffAge, "0.0");
        s.Append(',');
        if (DiffStation is { } station and >= 0 and <= 4095)
        {
            s.Append(CultureInfo.InvariantCulture, $"{station:0000}");
        }

        byte checksum = 0;
        for (int i = 1; i < s.Length; i++)
        {
            checksum ^= (byte)s[i];
        }

        s.Append(CultureInfo.InvariantCulture, $"*{checksum:X2}\r\n");
        return s.ToString();
    }

    // ddmm.mmmmmmm / dddmm.mmmmmmm: the minutes rounded once, as an integer of 1e-7 minutes, so
    // that 59.99999999' carries into the degrees instead of printing 60.0000000.
    private static void Angle(StringBuilder s, double degrees, int width, char positive, char negative)
    {
        long units = (long)Math.Round(Math.Abs(degrees) * 60 * 1e7, MidpointRounding.AwayFromZero);
        long whole = units / (60 * 10_000_000L);
        long minutes = units % (60 * 10_000_000L);
        s.Append(whole.ToString(new string('0', width), CultureInfo.InvariantCulture));
        s.Append(CultureInfo.InvariantCulture, $"{minutes / 10_000_000:00}.{minutes % 10_000_000:0000000},");
        s.Append(degrees < 0 ? negative : positive);
    }

    private static void Number(StringBuilder s, double? value, string format)
    {
        if (value is { } v && double.IsFinite(v))
        {
            s.Append(v.ToString(format, CultureInfo.InvariantCulture));
        }
    }
}
