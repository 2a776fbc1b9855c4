using System.Runtime.CompilerServices;
using System.Text.Json;
using BeidouHub.Geo;
using BeidouHub.Receiver.Epochs;

namespace BeidouHub.Service.Output;

/// <summary>
/// A GeoJSON FeatureCollection (RFC 7946): one Point feature per epoch with a position (its
/// properties are the scalar fields of the decode record), then one LineString per receiver
/// through its positions. Coordinates are [longitude, latitude, altitude MSL] in degrees and
/// metres; RFC 7946 assumes WGS 84, and CGCS2000 agrees with it to centimetres (see README).
/// </summary>
internal sealed class GeoJsonEpochWriter : EpochWriter
{
    private readonly Utf8JsonWriter _json;
    private readonly Dictionary<string, List<(double Lon, double Lat, double? Alt)>> _tracks = new(StringComparer.Ordinal);

    // Not inlined into EpochWriter.Create: inlined, it loaded System.Text.Json whatever the format.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public GeoJsonEpochWriter(Stream output, IGrid? grid)
        : base(output, grid)
    {
        _json = new Utf8JsonWriter(output);
        _json.WriteStartObject();
        _json.WriteString("type"u8, "FeatureCollection");
        _json.WriteStartArray("features"u8);
    }

    public override void OnEpoch(Epoch epoch)
    {
        if (epoch.Latitude is not { } lat || epoch.Longitude is not { } lon)
        {
            return;
        }

        if (!_tracks.TryGetValue(epoch.Receiver, out List<(double, double, double?)>? track))
        {
            _tracks[epoch.Receiver] = track = [];
        }

        track.Add((lon, lat, epoch.AltitudeMsl));

        Utf8JsonWriter w = _json;
        w.WriteStartObject();
        w.WriteString("type"u8, "Feature");
        w.WriteStartObject("geometry"u8);
        w.WriteString("type"u8, "Point");
        w.WriteStartArray("coordinates"u8);
        Position(w, lon, lat, epoch.AltitudeMsl);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("properties"u8);
        w.WriteString("receiver"u8, epoch.Receiver);
        if (epoch.UtcTime is { } utc)
        {
            w.WriteString("time"u8, Iso(utc));
        }

        if (epoch.Quality is { } q)
        {
            w.WriteNumber("quality"u8, (int)q);
        }

        w.WriteString("mode"u8, ModeName(epoch.Mode));
        w.WriteString("rtk"u8, RtkName(epoch.Rtk));
        Optional(w, "speedMps"u8, epoch.SpeedMps);
        Optional(w, "courseDeg"u8, epoch.CourseDeg);
        Optional(w, "hdop"u8, epoch.Hdop);
        Optional(w, "sigmaLat"u8, epoch.SigmaLatitude);
        Optional(w, "sigmaLon"u8, epoch.SigmaLongitude);
        if (GridOf(epoch) is { } g)
        {
            WriteGrid(w, g);
        }

        w.WriteEndObject();
        w.WriteEndObject();
        Records++;
        if (w.BytesPending > 1 << 15)
        {
            w.Flush();
        }
    }

    public override void Complete()
    {
        Utf8JsonWriter w = _json;
        foreach ((string receiver, List<(double Lon, double Lat, double? Alt)> track) in _tracks)
        {
            if (track.Count < 2)
            {
                continue; // RFC 7946 3.1.4: a LineString needs two or more positions.
            }

            w.WriteStartObject();
            w.WriteString("type"u8, "Feature");
            w.WriteStartObject("geometry"u8);
            w.WriteString("type"u8, "LineString");
            w.WriteStartArray("coordinates"u8);
            foreach ((double lon, double lat, double? alt) in track)
            {
                w.WriteStartArray();
                Position(w, lon, lat, alt);
                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("properties"u8);
            w.WriteString("receiver"u8, receiver);
            w.WriteNumber("points"u8, track.Count);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        Output.Write("\n"u8);
    }

    public override void Flush()
    {
        _json.Flush();
        Output.Flush();
    }

    public override void Dispose() => _json.Dispose();

    private static void Position(Utf8JsonWriter w, double lon, double lat, double? alt)
    {
        w.WriteNumberValue(lon);
        w.WriteNumberValue(lat);
        if (alt is { } a)
        {
            w.WriteNumberValue(a);
        }
    }

    private static void Optional(Utf8JsonWriter w, ReadOnlySpan<byte> name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }
}
