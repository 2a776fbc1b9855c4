using System.Globalization;
using System.Text;
using BeidouHub.Geo;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Satellites;

namespace BeidouHub.Service.Output;

/// <summary>
/// One CSV row per epoch (RFC 4180, header first): the scalar fields of the decode record, used
/// counts as one column per constellation, the number of satellite-signal entries, and the grid
/// columns when a grid is configured. Empty cells are absent values.
/// </summary>
internal sealed class CsvEpochWriter : EpochWriter
{
    private readonly StreamWriter _text;
    private bool _headerWritten;

    public CsvEpochWriter(Stream output, IGrid? grid)
        : base(output, grid)
    {
        _text = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\r\n" };
    }

    public override void OnEpoch(Epoch epoch)
    {
        if (!_headerWritten)
        {
            _text.Write("receiver,time,timeOfDay,lat,lon,altMsl,geoidSep,quality,mode,rtk,speedMps,courseDeg,hdop,vdop,pdop,"
                + "sigmaLat,sigmaLon,sigmaAlt,diffAge,diffStation,usedGps,usedGlonass,usedGalileo,usedBeidou,usedQzss,usedNavic,usedSbas,satellites");
            _text.WriteLine(Grid is null ? string.Empty : ",gridEpsg,northing,easting");
            _headerWritten = true;
        }

        var row = new StringBuilder(256);
        row.Append(Quote(epoch.Receiver)).Append(',');
        row.Append(epoch.UtcTime is { } utc ? Iso(utc) : string.Empty).Append(',');
        row.Append(epoch.TimeOfDayMs is { } tod ? TimeOfDay(tod) : string.Empty).Append(',');
        Cell(row, epoch.Latitude);
        Cell(row, epoch.Longitude);
        Cell(row, epoch.AltitudeMsl);
        Cell(row, epoch.GeoidSeparation);
        row.Append(epoch.Quality is { } q ? ((int)q).ToString(CultureInfo.InvariantCulture) : string.Empty).Append(',');
        row.Append(ModeName(epoch.Mode)).Append(',');
        row.Append(RtkName(epoch.Rtk)).Append(',');
        Cell(row, epoch.SpeedMps);
        Cell(row, epoch.CourseDeg);
        Cell(row, epoch.Hdop);
        Cell(row, epoch.Vdop);
        Cell(row, epoch.Pdop);
        Cell(row, epoch.SigmaLatitude);
        Cell(row, epoch.SigmaLongitude);
        Cell(row, epoch.SigmaAltitude);
        Cell(row, epoch.DiffAge);
        row.Append(epoch.DiffStation?.ToString(CultureInfo.InvariantCulture)).Append(',');
        for (int c = 1; c < ConstellationNames.Count; c++)
        {
            row.Append(epoch.UsedIn((Constellation)c).ToString(CultureInfo.InvariantCulture)).Append(',');
        }

        row.Append(epoch.SatelliteCount.ToString(CultureInfo.InvariantCulture));
        if (Grid is not null)
        {
            row.Append(',');
            if (GridOf(epoch) is { } g)
            {
                row.Append(Grid.Epsg?.ToString(CultureInfo.InvariantCulture)).Append(','); // empty for a grid without an EPSG code
                row.Append(g.Northing.ToString("R", CultureInfo.InvariantCulture)).Append(',');
                row.Append(g.Easting.ToString("R", CultureInfo.InvariantCulture));
            }
            else
            {
                row.Append(",,");
            }
        }

        _text.WriteLine(row.ToString());
        Records++;
    }

    public override void Complete() => _text.Flush();

    public override void Flush()
    {
        _text.Flush();
        Output.Flush();
    }

    public override void Dispose() => _text.Dispose();

    private static void Cell(StringBuilder row, double? value)
    {
        if (value is { } v)
        {
            row.Append(v.ToString("R", CultureInfo.InvariantCulture));
        }

        row.Append(',');
    }

    private static string Quote(string s) =>
        s.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
