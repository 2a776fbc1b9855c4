using System.Globalization;
using System.Text;
using System.Text.Json;
using BeidouHub.Geo;
using BeidouHub.Receiver.Decoding;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Satellites;
using BeidouHub.Service.Output;
using BeidouHub.Service.Tests.Support;

namespace BeidouHub.Service.Tests.Output;

public class JsonlEpochWriterTests
{
    public static TheoryData<string> Logs()
    {
        var logs = new TheoryData<string>();
        foreach (string f in Directory.GetFiles(Path.Combine(Repo.Root, "seeds"), "*.nmea").Order(StringComparer.Ordinal))
        {
            logs.Add(f);
        }

        foreach (string f in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures"), "*.nmea").Order(StringComparer.Ordinal))
        {
            logs.Add(f);
        }

        return logs;
    }

    [Theory]
    [MemberData(nameof(Logs))]
    public void OnEpoch_EveryEpochOfLog_SameBytesAsUtf8JsonWriterRecord(string log)
    {
        // No grid, the EPSG fast path, and a city grid without an EPSG code whose name needs escaping.
        var city = new LocalTransverseMercator { CentralMeridian = 113.125, FalseEasting = 50_000, HeightPlane = 60, Name = "株洲 <city>" };
        Assert.True(city.TryCreateGrid(out WktGrid? cityGrid, out string? error), error);
        foreach (IGrid? g in new IGrid?[] { null, GaussKrugerGrid.FromEpsg(4547), cityGrid })
        {
            // A receiver id that Utf8JsonWriter escapes (<, >, ", non-ASCII) as well as a plain one.
            foreach (string receiver in new[] { "gate-7", "x<y>\"é北斗" })
            {
                var actual = new MemoryStream();
                var expected = new MemoryStream();
                using var writer = new JsonlEpochWriter(actual, g);
                using var reference = new ReferenceWriter(expected, g);
                var decoder = new NmeaDecoder(receiver, new Tee(writer, reference));
                var bytes = new System.Buffers.ReadOnlySequence<byte>(File.ReadAllBytes(log));

                decoder.Decode(ref bytes, isFinalBlock: true);
                writer.Complete();

                Assert.True(writer.Records > 0, log);
                Assert.Equal(Encoding.UTF8.GetString(expected.ToArray()), Encoding.UTF8.GetString(actual.ToArray()));
            }
        }
    }

    [Theory]
    [InlineData("2025-04-11T23:14:08.000")]
    [InlineData("0001-01-01T00:00:00.000")]
    [InlineData("9999-12-31T23:59:59.999")]
    [InlineData("2016-12-31T23:59:59.5")]
    [InlineData("1999-08-22T00:00:00.010")]
    public void FormatIso_UtcTime_SameTextAsDateTimeFormat(string time)
    {
        var utc = DateTime.Parse(time, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        Span<byte> b = stackalloc byte[32];

        int n = JsonlEpochWriter.FormatIso(utc, b);

        Assert.Equal(utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), Encoding.ASCII.GetString(b[..n]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(83_648_123)]
    [InlineData(86_399_999)]
    [InlineData(86_400_500)] // a leap second, 23:59:60.5: TimeSpan's hh wraps it to 00
    [InlineData(-1_000)]
    public void FormatTimeOfDay_Milliseconds_SameTextAsTimeSpanFormat(int ms)
    {
        Span<byte> b = stackalloc byte[32];

        int n = JsonlEpochWriter.FormatTimeOfDay(ms, b);

        Assert.Equal(TimeSpan.FromMilliseconds(ms).ToString(@"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture), Encoding.ASCII.GetString(b[..n]));
    }

    [Fact]
    public void OnEpoch_ManyEpochs_WritesBlocksNotEpochsUntilFlush()
    {
        var output = new CountingStream();
        using var writer = new JsonlEpochWriter(output);
        var decoder = new NmeaDecoder("gate", writer);
        var bytes = new System.Buffers.ReadOnlySequence<byte>(File.ReadAllBytes(Repo.Seed("park-vehicle-rtk-10hz.nmea")));

        decoder.Decode(ref bytes, isFinalBlock: false);
        long beforeFlush = output.Length;
        writer.Flush();

        Assert.True(writer.Records > 1000, $"{writer.Records} epochs");
        Assert.True(output.Writes < writer.Records / 10, $"{output.Writes} writes for {writer.Records} epochs");
        Assert.All(output.WriteSizes.SkipLast(1), size => Assert.True(size >= JsonlEpochWriter.BlockSize, $"a write of {size} bytes"));
        Assert.True(output.Length > beforeFlush, "Flush wrote the last records");
        Assert.Equal(1, output.Flushes);
        Assert.Equal(writer.Records, output.ToArray().Count(b => b == (byte)'\n'));
    }

    private sealed class Tee(IEpochSink a, IEpochSink b) : IEpochSink
    {
        public void OnPosition(Epoch epoch)
        {
            a.OnPosition(epoch);
            b.OnPosition(epoch);
        }

        public void OnEpoch(Epoch epoch)
        {
            a.OnEpoch(epoch);
            b.OnEpoch(epoch);
        }
    }

    private sealed class CountingStream : MemoryStream
    {
        public int Writes { get; private set; }

        public int Flushes { get; private set; }

        public List<int> WriteSizes { get; } = [];

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writes++;
            WriteSizes.Add(count);
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Writes++;
            WriteSizes.Add(buffer.Length);
            base.Write(buffer);
        }

        public override void Flush()
        {
            Flushes++;
            base.Flush();
        }
    }

    /// <summary>
    /// The decode record as the jsonl writer wrote it with Utf8JsonWriter before it was written by
    /// hand: the oracle of the byte-for-byte comparison.
    /// </summary>
    private sealed class ReferenceWriter(Stream output, IGrid? grid) : IEpochSink, IDisposable
    {
        private readonly Utf8JsonWriter _json = new(output, new JsonWriterOptions { SkipValidation = true });

        public void OnPosition(Epoch epoch)
        {
        }

        public void OnEpoch(Epoch epoch)
        {
            Utf8JsonWriter w = _json;
            w.WriteStartObject();
            w.WriteString("receiver"u8, epoch.Receiver);
            if (epoch.UtcTime is { } utc)
            {
                w.WriteString("time"u8, utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            }
            else
            {
                w.WriteNull("time"u8);
            }

            if (epoch.TimeOfDayMs is { } tod)
            {
                w.WriteString("timeOfDay"u8, TimeSpan.FromMilliseconds(tod).ToString(@"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture));
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

            w.WriteString("mode"u8, epoch.Mode switch { FixMode.TwoD => "2d", FixMode.ThreeD => "3d", _ => "no-fix" });
            w.WriteString("rtk"u8, epoch.Rtk switch { RtkState.Fixed => "fixed", RtkState.Float => "float", _ => "none" });
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
            if (grid is not null)
            {
                if (epoch.Latitude is { } lat && epoch.Longitude is { } lon)
                {
                    GridPoint g = grid.Forward(lat, lon);
                    w.WriteStartObject("grid"u8);
                    if (grid.Epsg is { } epsg)
                    {
                        w.WriteNumber("epsg"u8, epsg);
                    }
                    else
                    {
                        w.WriteNull("epsg"u8);
                        w.WriteString("name"u8, grid.Name);
                    }

                    w.WriteNumber("northing"u8, g.Northing);
                    w.WriteNumber("easting"u8, g.Easting);
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteNull("grid"u8);
                }
            }

            w.WriteEndObject();
            w.Flush();
            output.Write("\n"u8);
            w.Reset();
        }

        public void Dispose() => _json.Dispose();

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
}
