using System.Globalization;
using System.Text;
using BeidouHub.Receiver.Epochs;

namespace BeidouHub.Receiver.Tests.Support;

/// <summary>Every field of an epoch as one line, so two epoch lists compare field by field in one assertion.</summary>
internal static class EpochText
{
    public static string Of(Epoch e)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{e.Receiver} {e.Date} {e.TimeOfDayMs} {e.Latitude:R} {e.Longitude:R} {e.AltitudeMsl:R} {e.GeoidSeparation:R} ");
        sb.Append(CultureInfo.InvariantCulture, $"{e.Quality} {e.Mode} {e.Rtk} {e.SpeedMps:R} {e.CourseDeg:R} {e.Hdop} {e.Vdop} {e.Pdop} ");
        sb.Append(CultureInfo.InvariantCulture, $"{e.SigmaLatitude} {e.SigmaLongitude} {e.SigmaAltitude} {e.DiffAge} {e.DiffStation} used {e.UsedCount} sats");
        foreach (SkySatellite s in e.Satellites)
        {
            sb.Append(CultureInfo.InvariantCulture, $" {s.Id.Constellation}{s.Id.Svid}/{s.Signal}/{s.Elevation}/{s.Azimuth}/{s.Cn0}/{s.Used}");
        }

        return sb.ToString();
    }

    public static List<string> Of(IEnumerable<Epoch> epochs) => epochs.Select(Of).ToList();
}
