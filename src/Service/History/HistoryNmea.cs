using System.Globalization;
using System.Text;
using BeidouHub.Store;

namespace BeidouHub.Service.History;

/// <summary>
/// A stored position as the NMEA a receiver would have sent for it: RMC, GGA, GST (when the
/// accuracy was kept) and ZDA, so a stored day can go through the whole pipeline again
/// (<c>history://</c>) or to a tool that reads NMEA (<c>history --format nmea</c>). What the store
/// does not keep is not made up: no GSA (the used satellites' numbers are not kept, only their
/// count per constellation, whose total goes into GGA) and no GSV.
/// </summary>
internal static class HistoryNmea
{
    public static void Append(StringBuilder sb, PositionRecord r)
    {
        string time = r.Time.ToString("HHmmss.ff", CultureInfo.InvariantCulture);
        bool fix = r.Quality > 0 && r.Latitude is not null && r.Longitude is not null;
        string lat = r.Latitude is { } la ? Coordinate(Math.Abs(la), 2) + (la < 0 ? ",S" : ",N") : ",";
        string lon = r.Longitude is { } lo ? Coordinate(Math.Abs(lo), 3) + (lo < 0 ? ",W" : ",E") : ",";
        char mode = r.Quality switch { 0 => 'N', 2 => 'D', 4 => 'R', 5 => 'F', 6 => 'E', _ => 'A' };
        string knots = r.SpeedMps is { } v ? F(v / 0.514444, "0.000") : "";
        Line(sb, $"GNRMC,{time},{(fix ? 'A' : 'V')},{lat},{lon},{knots},{(r.CourseDeg is { } c ? F(c, "0.00") : "")},{r.Time:ddMMyy},,,{mode},V");
        int used = r.Used.Sum();
        Line(sb, $"GNGGA,{time},{lat},{lon},{r.Quality},{used:00},{Opt(r.Hdop, "0.00")},{Opt(r.AltitudeMsl, "0.000")},M,{Opt(r.GeoidSeparation, "0.000")},M,{Opt(r.DiffAge, "0.0")},{(r.DiffStation is { } s ? s.ToString("0000", CultureInfo.InvariantCulture) : "")}");
        if (r.SigmaLatitude is not null || r.SigmaLongitude is not null || r.SigmaAltitude is not null)
        {
            Line(sb, $"GNGST,{time},,,,,{Opt(r.SigmaLatitude, "0.000")},{Opt(r.SigmaLongitude, "0.000")},{Opt(r.SigmaAltitude, "0.000")}");
        }

        Line(sb, $"GNZDA,{time},{r.Time:dd},{r.Time:MM},{r.Time:yyyy},00,00");
    }

    // ddmm.mmmmmmm: 7 decimals of a minute, 0.2 mm.
    private static string Coordinate(double degrees, int degreeDigits)
    {
        int d = (int)degrees;
        double minutes = (degrees - d) * 60;
        if (minutes >= 59.99999995)
        {
            d++;
            minutes = 0;
        }

        return d.ToString(new string('0', degreeDigits), CultureInfo.InvariantCulture) + minutes.ToString("00.0000000", CultureInfo.InvariantCulture);
    }

    private static string Opt(double? value, string format) => value is { } v ? F(v, format) : "";

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static void Line(StringBuilder sb, string body)
    {
        byte sum = 0;
        foreach (char ch in body)
        {
            sum ^= (byte)ch;
        }

        sb.Append('$').Append(body).Append('*').Append(sum.ToString("X2", CultureInfo.InvariantCulture)).Append("\r\n");
    }
}
