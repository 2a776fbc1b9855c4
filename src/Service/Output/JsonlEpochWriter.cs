using System.Text.Json;
using BeidouHub.Geo;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Nmea;
using BeidouHub.Receiver.Satellites;

namespace BeidouHub.Service.Output;

/// <summary>
/// Writes one JSON object per line per complete epoch: the decode record of DESIGN.md
/// (<c>receiver</c>, <c>time</c>, <c>lat</c>, <c>lon</c>, ... <c>satellites</c>). Absent values
/// are written as null, never as zero. Numbers are written at full (round-trip) precision.
/// </summary>
internal sealed class JsonlEpochWriter : EpochWriter
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private readonly Utf8JsonWriter _json;

    public JsonlEpochWriter(Stream output, GaussKrugerGrid? grid = null)
        : base(output, grid)
    {
        _json = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
    }

    public override void OnEpoch(Epoch epoch)
    {
        Utf8JsonWriter w = _json;
        w.WriteStartObject();
        w.WriteString("receiver"u8, epoch.Receiver);
        if (epoch.UtcTime is { } utc)
        {
            w.WriteString("time"u8, Iso(utc));
        }
        else
        {
            w.WriteNull("time"u8);
        }

        if (epoch.TimeOfDayMs is { } tod)
        {
            w.WriteString("timeOfDay"u8, TimeOfDay(tod));
        }
        else
        {
            w.WriteNull("timeOfDay"u8);
        }

        Number(w, "lat"u8, epoch.Latitude);
        Number(w, "lon"u8, epoch.Longitude);
        Number(w, "altMsl"u8, epoch.AltitudeMsl);
        Number(w, "geoidSep"u8, epoch.GeoidSeparation);
        if (epoch.Quality is { } q)
        {
            w.WriteNumber("quality"u8, (int)q);
        }
        else
        {
            w.WriteNull("quality"u8);
        }

        w.WriteString("mode"u8, ModeName(epoch.Mode));
        w.WriteString("rtk"u8, RtkName(epoch.Rtk));
        Number(w, "speedMps"u8, epoch.SpeedMps);
        Number(w, "courseDeg"u8, epoch.CourseDeg);
        Number(w, "hdop"u8, epoch.Hdop);
        Number(w, "vdop"u8, epoch.Vdop);
        Number(w, "pdop"u8, epoch.Pdop);
        Number(w, "sigmaLat"u8, epoch.SigmaLatitude);
        Number(w, "sigmaLon"u8, epoch.SigmaLongitude);
        Number(w, "sigmaAlt"u8, epoch.SigmaAltitude);
        Number(w, "diffAge"u8, epoch.DiffAge);
        if (epoch.DiffStation is { } station)
        {
            w.WriteNumber("diffStation"u8, station);
        }
        else
        {
            w.WriteNull("diffStation"u8);
        }

        w.WriteStartObject("used"u8);
        for (int c = 1; c < ConstellationNames.Count; c++)
        {
            int n = epoch.UsedIn((Constellation)c);
            if (n > 0)
            {
                w.WriteNumber(((Constellation)c).ToName(), n);
            }
        }

        w.WriteEndObject();
        w.WriteStartArray("satellites"u8);
        foreach (SkySatellite s in epoch.Satellites)
        {
            w.WriteStartObject();
            w.WriteString("constellation"u8, s.Id.Constellation.ToName());
            w.WriteNumber("svid"u8, s.Id.Svid);
            if (s.Signal is { } sig)
            {
                w.WriteString("signal"u8, SignalIds.ToHex(sig));
            }
            else
            {
                w.WriteNull("signal"u8);
            }

            Number(w, "el"u8, s.Elevation);
            Number(w, "az"u8, s.Azimuth);
            Number(w, "cn0"u8, s.Cn0);
            w.WriteBoolean("used"u8, s.Used);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (Grid is not null)
        {
            if (GridOf(epoch) is { } g)
            {
                WriteGrid(w, g);
            }
            else
            {
                w.WriteNull("grid"u8);
            }
        }

        w.WriteEndObject();
        w.Flush();
        Output.Write(NewLine);
        w.Reset();
        Records++;
    }

    public override void Dispose() => _json.Dispose();

    private static void Number(Utf8JsonWriter w, ReadOnlySpan<byte> name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Number(Utf8JsonWriter w, ReadOnlySpan<byte> name, short? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
