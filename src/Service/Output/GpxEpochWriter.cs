using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Xml;
using BeidouHub.Geo;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Nmea.Sentences;

namespace BeidouHub.Service.Output;

/// <summary>
/// A GPX 1.1 document (http://www.topografix.com/GPX/1/1): one track per receiver, one track
/// point per epoch with a position, with elevation (MSL), time, fix (none/2d/3d/dgps), satellites
/// used and the DOPs. Epochs are written as they come, so a receiver's points go into one
/// segment per uninterrupted run.
/// </summary>
internal sealed class GpxEpochWriter : EpochWriter
{
    private const string Namespace = "http://www.topografix.com/GPX/1/1";
    private readonly XmlWriter _xml;
    private string? _currentReceiver;

    // Not inlined into EpochWriter.Create: inlined, it loaded System.Xml (8 MB) whatever the format.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public GpxEpochWriter(Stream output, IGrid? grid)
        : base(output, grid)
    {
        _xml = XmlWriter.Create(output, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, CloseOutput = false });
        _xml.WriteStartDocument();
        _xml.WriteStartElement("gpx", Namespace);
        _xml.WriteAttributeString("version", "1.1");
        _xml.WriteAttributeString("creator", "BeidouHub");
    }

    public override void OnEpoch(Epoch epoch)
    {
        if (epoch.Latitude is not { } lat || epoch.Longitude is not { } lon)
        {
            return;
        }

        if (_currentReceiver != epoch.Receiver)
        {
            if (_currentReceiver is not null)
            {
                _xml.WriteEndElement(); // trkseg
                _xml.WriteEndElement(); // trk
            }

            _xml.WriteStartElement("trk", Namespace);
            _xml.WriteElementString("name", Namespace, epoch.Receiver);
            _xml.WriteStartElement("trkseg", Namespace);
            _currentReceiver = epoch.Receiver;
        }

        _xml.WriteStartElement("trkpt", Namespace);
        _xml.WriteAttributeString("lat", lat.ToString("R", CultureInfo.InvariantCulture));
        _xml.WriteAttributeString("lon", lon.ToString("R", CultureInfo.InvariantCulture));

        // GPX 1.1 wptType fixes the element order: ele, time, ..., fix, sat, hdop, vdop, pdop, ageofdgpsdata, dgpsid.
        if (epoch.AltitudeMsl is { } alt)
        {
            _xml.WriteElementString("ele", Namespace, alt.ToString("R", CultureInfo.InvariantCulture));
        }

        if (epoch.UtcTime is { } utc)
        {
            _xml.WriteElementString("time", Namespace, Iso(utc));
        }

        _xml.WriteElementString("fix", Namespace, epoch.Quality is GgaQuality.Differential or GgaQuality.RtkFixed or GgaQuality.RtkFloat
            ? "dgps"
            : epoch.Mode switch { FixMode.ThreeD => "3d", FixMode.TwoD => "2d", _ => "none" });
        int used = epoch.UsedCount > 0 ? epoch.UsedCount : epoch.SatellitesUsedReported ?? -1;
        if (used >= 0)
        {
            _xml.WriteElementString("sat", Namespace, used.ToString(CultureInfo.InvariantCulture));
        }

        Optional("hdop", epoch.Hdop);
        Optional("vdop", epoch.Vdop);
        Optional("pdop", epoch.Pdop);
        Optional("ageofdgpsdata", epoch.DiffAge);
        if (epoch.DiffStation is { } station and <= 1023)
        {
            _xml.WriteElementString("dgpsid", Namespace, station.ToString(CultureInfo.InvariantCulture));
        }

        _xml.WriteEndElement();
        Records++;
    }

    public override void Complete()
    {
        if (_currentReceiver is not null)
        {
            _xml.WriteEndElement();
            _xml.WriteEndElement();
        }

        _xml.WriteEndElement();
        _xml.WriteEndDocument();
        _xml.Flush();
        Output.Write("\n"u8);
    }

    public override void Flush()
    {
        _xml.Flush();
        Output.Flush();
    }

    public override void Dispose() => _xml.Dispose();

    private void Optional(string name, double? value)
    {
        if (value is { } v)
        {
            _xml.WriteElementString(name, Namespace, v.ToString("R", CultureInfo.InvariantCulture));
        }
    }
}
