using System.Globalization;

namespace BeidouHub.Receiver.Tests.Support;

/// <summary>
/// Writes 1 Hz cycles of a multi-GNSS BeiDou receiver in NMEA 4.11 style (u-blox/Unicore): GGA,
/// RMC, GSA per constellation with system id, GSV per constellation and signal (BeiDou B1I and
/// B2a sets of the same satellites), GST, ZDA. Positions move a little each second. And
/// <see cref="TenHertzCycle"/>: one cycle of the 10 Hz pattern of seeds/park-vehicle-rtk-10hz.nmea.
/// </summary>
internal static class CycleBuilder
{
    public static readonly DateTime Start = new(2026, 11, 27, 2, 0, 0, DateTimeKind.Utc);

    public static IEnumerable<string> Cycles(int count, int startSecond = 0, bool withSky = true, bool withGst = true)
    {
        for (int i = startSecond; i < startSecond + count; i++)
        {
            foreach (string line in Cycle(i, withSky, withGst))
            {
                yield return line;
            }
        }
    }

    public static IEnumerable<string> Cycle(int second, bool withSky = true, bool withGst = true)
    {
        DateTime t = Start.AddSeconds(second);
        string hms = t.ToString("HHmmss.ff", CultureInfo.InvariantCulture);
        string date = t.ToString("ddMMyy", CultureInfo.InvariantCulture);
        string lat = Latitude(second);
        yield return NmeaText.Line($"GNGGA,{hms},{lat},N,11308.0400,E,4,18,0.62,58.3,M,-21.4,M,1.0,0042");
        yield return NmeaText.Line($"GNRMC,{hms},A,{lat},N,11308.0400,E,3.1,87.5,{date},,,R,V");
        yield return NmeaText.Line("GNGSA,A,3,05,13,15,18,23,,,,,,,,1.10,0.62,0.91,1");
        yield return NmeaText.Line("GNGSA,A,3,19,20,21,22,35,38,40,59,,,,,1.10,0.62,0.91,4");
        if (withSky)
        {
            yield return NmeaText.Line("GPGSV,2,1,06,05,45,120,44,13,33,210,40,15,60,300,46,18,22,050,38,1");
            yield return NmeaText.Line("GPGSV,2,2,06,23,15,170,35,29,05,330,,1");
            yield return NmeaText.Line("GBGSV,3,1,09,19,55,180,45,20,40,090,43,21,38,260,42,22,70,010,47,1");
            yield return NmeaText.Line("GBGSV,3,2,09,35,25,140,39,38,48,200,44,40,30,100,41,59,52,190,46,1");
            yield return NmeaText.Line("GBGSV,3,3,09,60,50,150,,1");
            yield return NmeaText.Line("GBGSV,2,1,08,19,55,180,43,20,40,090,40,21,38,260,41,22,70,010,45,5");
            yield return NmeaText.Line("GBGSV,2,2,08,35,25,140,37,38,48,200,42,40,30,100,40,59,52,190,44,5");
        }

        if (withGst)
        {
            yield return NmeaText.Line($"GNGST,{hms},0.8,0.012,0.009,35.0,0.011,0.010,0.020");
        }

        yield return NmeaText.Line($"GNZDA,{hms},{t:dd},{t:MM},{t:yyyy},00,00");
    }

    /// <summary>
    /// One cycle of the u-blox/Unicore 10 Hz pattern of seeds/park-vehicle-rtk-10hz.nmea: RMC VTG
    /// GGA GSA GSA [GSV sets] GST [ZDA], the bracketed ones once a second. Without a fix (an
    /// outage) RMC says V, GGA quality 0, the GSAs have no satellites, and there is no GST.
    /// </summary>
    public static List<string> TenHertzCycle(DateTime t, bool gsv, bool zda, bool fix = true)
    {
        string hms = t.ToString("HHmmss.ff", CultureInfo.InvariantCulture);
        var cycle = fix
            ? new List<string>
            {
                NmeaText.Line($"GNRMC,{hms},A,2749.6800,N,11308.0400,E,3.1,87.5,{t:ddMMyy},,,R,V"),
                NmeaText.Line("GNVTG,87.5,T,,M,3.1,N,5.7,K,R"),
                NmeaText.Line($"GNGGA,{hms},2749.6800,N,11308.0400,E,4,18,0.62,58.3,M,-21.4,M,1.0,0042"),
                NmeaText.Line("GNGSA,A,3,05,13,15,18,23,,,,,,,,1.10,0.62,0.91,1"),
                NmeaText.Line("GNGSA,A,3,19,20,21,22,35,38,40,59,,,,,1.10,0.62,0.91,4"),
            }
            : new List<string>
            {
                NmeaText.Line($"GNRMC,{hms},V,,,,,,,{t:ddMMyy},,,N,V"),
                NmeaText.Line("GNVTG,,T,,M,,N,,K,N"),
                NmeaText.Line($"GNGGA,{hms},,,,,0,00,99.99,,,,,,"),
                NmeaText.Line("GNGSA,A,1,,,,,,,,,,,,,99.99,99.99,99.99,1"),
                NmeaText.Line("GNGSA,A,1,,,,,,,,,,,,,99.99,99.99,99.99,4"),
            };
        if (gsv)
        {
            cycle.Add(NmeaText.Line("GBGSV,2,1,08,19,55,180,45,20,40,090,43,21,38,260,42,22,70,010,47,1"));
            cycle.Add(NmeaText.Line("GBGSV,2,2,08,35,25,140,39,38,48,200,44,40,30,100,41,59,52,190,46,1"));
        }

        if (fix)
        {
            cycle.Add(NmeaText.Line($"GNGST,{hms},0.8,0.012,0.009,35.0,0.011,0.010,0.020"));
        }

        if (zda)
        {
            cycle.Add(NmeaText.Line($"GNZDA,{hms},{t:dd},{t:MM},{t:yyyy},00,00"));
        }

        return cycle;
    }

    public static string Latitude(int second) => (2749.6800 + (second * 0.0001)).ToString("0000.0000", CultureInfo.InvariantCulture);

    public static double LatitudeDegrees(int second) => 27 + ((49.6800 + (second * 0.0001)) / 60.0);
}
