using System.Text;
using System.Text.Json;
using BeidouHub.Service.Tests.Support;
using BeidouHub.Service.Verbs;

namespace BeidouHub.Service.Tests.Verbs;

public class DecodeVerbTests
{
    private static readonly string[] Capture =
    [
        "# a capture header, skipped",
        "$GNRMC,231408.00,A,4503.94632,N,00739.54368,E,0.013,,110425,,,F,V*17",
        "$GNGGA,231408.00,4503.94632,N,00739.54368,E,5,12,0.82,257.4,M,47.2,M,0.0,0041*64",
        "$GNGSA,A,3,25,41,20,09,32,,,,,,,,1.42,0.82,1.17,4*06",
        "$GBGSV,1,1,04,09,22,048,13,20,15,298,09,25,43,063,08,32,69,319,11,B*02",
        "$GNGGA,231408.00,4503.94632,N,00739.54368,E,5,12,0.82,257.4,M,47.2,M,0.0,0041*00",
        "garbage \u0001\u0002 between lines",
        "$GNGST,231408.00,32,0.19,0.12,97,0.049,0.078,0.088*43",
    ];

    [Fact]
    public async Task RunAsync_RtkFloatCapture_WritesDesignRecordWithEveryField()
    {
        (int exit, string stdout, string stderr) = await Decode(["-", "--receiver", "f9r"], string.Join("\n", Capture) + "\n");

        Assert.Equal(0, exit);
        string line = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using JsonDocument doc = JsonDocument.Parse(line);
        JsonElement r = doc.RootElement;
        Assert.Equal("f9r", r.GetProperty("receiver").GetString());
        Assert.Equal("2025-04-11T23:14:08.000Z", r.GetProperty("time").GetString());
        Assert.Equal(45 + (3.94632 / 60), r.GetProperty("lat").GetDouble(), 12);
        Assert.Equal(7 + (39.54368 / 60), r.GetProperty("lon").GetDouble(), 12);
        Assert.Equal(257.4, r.GetProperty("altMsl").GetDouble());
        Assert.Equal(47.2, r.GetProperty("geoidSep").GetDouble());
        Assert.Equal(5, r.GetProperty("quality").GetInt32());
        Assert.Equal("3d", r.GetProperty("mode").GetString());
        Assert.Equal("float", r.GetProperty("rtk").GetString());
        Assert.Equal(0.013 * 1852 / 3600, r.GetProperty("speedMps").GetDouble(), 12);
        Assert.Equal(JsonValueKind.Null, r.GetProperty("courseDeg").ValueKind);
        Assert.Equal(0.82, r.GetProperty("hdop").GetDouble());
        Assert.Equal(1.17, r.GetProperty("vdop").GetDouble());
        Assert.Equal(1.42, r.GetProperty("pdop").GetDouble());
        Assert.Equal(0.049, r.GetProperty("sigmaLat").GetDouble());
        Assert.Equal(0.078, r.GetProperty("sigmaLon").GetDouble());
        Assert.Equal(0.088, r.GetProperty("sigmaAlt").GetDouble());
        Assert.Equal(0.0, r.GetProperty("diffAge").GetDouble());
        Assert.Equal(41, r.GetProperty("diffStation").GetInt32());
        Assert.Equal(5, r.GetProperty("used").GetProperty("beidou").GetInt32());
        JsonElement[] sats = r.GetProperty("satellites").EnumerateArray().ToArray();
        Assert.Equal([9, 20, 25, 32], sats.Select(s => s.GetProperty("svid").GetInt32()));
        Assert.All(sats, s => Assert.Equal("beidou", s.GetProperty("constellation").GetString()));
        Assert.All(sats, s => Assert.Equal("B", s.GetProperty("signal").GetString()));
        Assert.All(sats, s => Assert.True(s.GetProperty("used").GetBoolean()));
        Assert.Equal(22, sats[0].GetProperty("el").GetInt32());
        Assert.Equal(48, sats[0].GetProperty("az").GetInt32());
        Assert.Equal(13, sats[0].GetProperty("cn0").GetInt32());

        Assert.Contains("checksum 1", stderr, StringComparison.Ordinal);
        Assert.Contains("comments 1", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_LogWithoutDate_TimeNullAndTimeOfDaySet()
    {
        (int exit, string stdout, _) = await Decode(["-"], "$GPGGA,030129.00,2638.1726,N,08011.3892,W,1,06,1.5,00016,M,-0028,M,,*50\n");

        Assert.Equal(0, exit);
        using JsonDocument doc = JsonDocument.Parse(stdout.Trim());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("time").ValueKind);
        Assert.Equal("03:01:29.000", doc.RootElement.GetProperty("timeOfDay").GetString());
        Assert.Equal("3d", doc.RootElement.GetProperty("mode").GetString());
        Assert.Equal(16.0, doc.RootElement.GetProperty("altMsl").GetDouble());
    }

    [Fact]
    public async Task RunAsync_OnlyGarbage_ExitsZeroWithNoRecords()
    {
        (int exit, string stdout, string stderr) = await Decode(["-"], "\u0000\u0000not nmea at all\n$GPGGA,broken*00\n");

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("0 epochs", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MissingFile_ExitsNonZeroWithClearMessage()
    {
        string path = Path.Combine(Path.GetTempPath(), "beidouhub-no-such-file.nmea");

        (int exit, string stdout, string stderr) = await Decode([path], string.Empty);

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains($"cannot read '{path}'", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-|--format|kml", "decode: --format 'kml': expected one of jsonl, csv, geojson, gpx")]
    [InlineData("-|--max-length|8", "decode: --max-length '8': expected a whole number from 16 to 60000")]
    [InlineData("-|--grid", "decode: option '--grid' needs a value")]
    [InlineData("-|--fromat|csv", "decode: unknown option '--fromat' (see beidouhub decode --help)")]
    [InlineData("a.nmea|b.nmea", "decode: unexpected argument 'b.nmea' (see beidouhub decode --help)")]
    [InlineData("-|--require-checksum=no", "decode: option '--require-checksum' takes no value")]
    public async Task RunAsync_UsageError_ExitsTwoWithOneLineNamingIt(string args, string line)
    {
        (int exit, string stdout, string stderr) = await Decode(args.Split('|'), "$GPGGA,030129.00,2638.1726,N,08011.3892,W,1,06,1.5,00016,M,-0028,M,,*50\n");

        Assert.Equal(2, exit);
        Assert.Equal(line + Environment.NewLine, stderr);
        Assert.Equal(string.Empty, stdout);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task RunAsync_Help_UsageOnStdoutExitZero(string help)
    {
        (int exit, string stdout, string stderr) = await Decode(["-", help], "$GPGGA,030129.00,2638.1726,N,08011.3892,W,1,06,1.5,00016,M,-0028,M,,*50\n");

        Assert.Equal(0, exit);
        Assert.StartsWith("usage: beidouhub decode [FILE|-]", stdout, StringComparison.Ordinal);
        Assert.Contains("--max-length N", stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, stderr);
    }

    [Fact]
    public async Task RunAsync_OptionsWithEquals_ReadAsWithSpace()
    {
        (int exit, string stdout, _) = await Decode(["--receiver=gate-9", "--format=csv", "-"], "$GPGGA,030129.00,2638.1726,N,08011.3892,W,1,06,1.5,00016,M,-0028,M,,*50\n");

        Assert.Equal(0, exit);
        Assert.StartsWith("receiver,", stdout, StringComparison.Ordinal);
        Assert.Contains("gate-9,", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_File_ReceiverIdIsFileNameWithoutExtension()
    {
        string path = Path.Combine(Path.GetTempPath(), $"gate-{Guid.NewGuid():N}.nmea");
        await File.WriteAllTextAsync(path, string.Join("\n", Capture));
        try
        {
            (int exit, string stdout, _) = await Decode([path], string.Empty);

            Assert.Equal(0, exit);
            using JsonDocument doc = JsonDocument.Parse(stdout.Trim());
            Assert.Equal(Path.GetFileNameWithoutExtension(path), doc.RootElement.GetProperty("receiver").GetString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// Input that fails part-way (a serial adapter unplugged under `decode -`, a disk error): the
    /// epochs decoded before the failure are written out whole, the reason goes to stderr, and the
    /// exit code says it failed, in every output format.
    /// </summary>
    [Theory]
    [InlineData("jsonl", false)]
    [InlineData("csv", false)]
    [InlineData("jsonl", true)] // a file: no flush before each read, the epochs are still in the writer
    [InlineData("csv", true)]
    public async Task RunAsync_InputFailsPartWay_WritesWhatCameThenTheReason(string format, bool file)
    {
        byte[] seed = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "park-rtk-vehicle.nmea"));
        var whole = new MemoryStream();
        Assert.Equal(0, await DecodeVerb.RunAsync(["-", "--format", format], new StringWriter(), whole, new MemoryStream(seed), CancellationToken.None));
        string[] all = Encoding.UTF8.GetString(whole.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        int exit = await DecodeVerb.RunAsync(["-", "--format", format], stderr, stdout, new ChunkedInput(seed, chunk: 700, failAt: seed.Length / 2, seekable: file), CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Contains($"decode: read failed after {seed.Length / 2} bytes: unplugged", stderr.ToString(), StringComparison.Ordinal);
        string text = Encoding.UTF8.GetString(stdout.ToArray());
        string[] written = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.InRange(written.Length, 3, all.Length - 3);
        Assert.Equal(all[..written.Length], written);
    }

    /// <summary>
    /// A file is decoded in two stages (framing on a thread of its own), a pipe on one thread: the
    /// same records and the same summary of counters, for every seed and format.
    /// </summary>
    [Theory]
    [InlineData("park-faults.nmea", "jsonl")]
    [InlineData("park-gate-outage.nmea", "jsonl")]
    [InlineData("park-handheld-bd-walk.nmea", "csv")]
    [InlineData("park-vehicle-rtk-10hz.nmea", "jsonl")]
    [InlineData("park-vehicle-rtk-10hz.nmea", "geojson")]
    public async Task RunAsync_FileAndPipe_SameOutputAndSummary(string seed, string format)
    {
        string root = BeidouHub.Testing.Corpus.RepositoryRoot ?? throw new InvalidOperationException("no BeidouHub.sln above the test binaries");
        string path = Path.Combine(root, "seeds", seed);
        byte[] bytes = await File.ReadAllBytesAsync(path);

        var fileOut = new MemoryStream();
        var fileErr = new StringWriter();
        Assert.Equal(0, await DecodeVerb.RunAsync([path, "--format", format, "--receiver", "rx"], fileErr, fileOut, Stream.Null, CancellationToken.None));
        var pipeOut = new MemoryStream();
        var pipeErr = new StringWriter();
        Assert.Equal(0, await DecodeVerb.RunAsync(["-", "--format", format, "--receiver", "rx"], pipeErr, pipeOut, new ChunkedInput(bytes, chunk: 4096), CancellationToken.None));

        // (ToArray: the verb closes its output.)
        string file = Encoding.UTF8.GetString(fileOut.ToArray());
        Assert.True(file.Length > 1000, $"{seed}: {file.Length} characters of {format}");
        Assert.Equal(Encoding.UTF8.GetString(pipeOut.ToArray()), file);
        Assert.Equal(pipeErr.ToString(), fileErr.ToString());
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> Decode(string[] args, string input)
    {
        var stdout = new MemoryStream();
        var stdin = new MemoryStream(Encoding.Latin1.GetBytes(input));
        var stderr = new StringWriter();
        int exit = await DecodeVerb.RunAsync(args, stderr, stdout, stdin, CancellationToken.None);
        return (exit, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }
}

public class DecodeVerbFormatTests
{
    // Zhuzhou city centre, 27.828 N 113.134 E = 2749.68 N 11308.04 E.
    private const string Zhuzhou = "$GPGGA,020000.00,2749.6800,N,11308.0400,E,1,08,0.9,50.0,M,-21.0,M,,*7D\n$GPRMC,020000.00,A,2749.6800,N,11308.0400,E,0.0,,271126,,,A*7A\n"
        + "$GPGGA,020001.00,2749.6900,N,11308.0500,E,1,08,0.9,51.0,M,-21.0,M,,*7D\n";

    [Fact]
    public async Task RunAsync_GridEpsg4547_AddsNorthingEastingOfZhuzhou()
    {
        (int exit, string stdout, string stderr) = await Decode(["-", "--grid", "EPSG:4547"], Zhuzhou);

        Assert.True(exit == 0, stderr);
        using JsonDocument doc = JsonDocument.Parse(stdout.Split('\n')[0]);
        JsonElement grid = doc.RootElement.GetProperty("grid");
        Assert.Equal(4547, grid.GetProperty("epsg").GetInt32());

        // GNSS-FACTS.md 3.4 (Snyder series, to be confirmed by PROJ): E ~ 414 682 m, N ~ 3 079 682 m.
        Assert.InRange(grid.GetProperty("northing").GetDouble(), 3_079_681, 3_079_683);
        Assert.InRange(grid.GetProperty("easting").GetDouble(), 414_681, 414_683);
    }

    [Fact]
    public async Task RunAsync_GridNotGaussKruger_ExitsWithUsageError()
    {
        (int exit, _, string stderr) = await Decode(["-", "--grid", "EPSG:3857"], Zhuzhou);

        Assert.Equal(2, exit);
        Assert.Contains("EPSG:4491-4554", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_GridWkt_EpsgNullNameAndTheCityGridCoordinates()
    {
        (int exit, string stdout, string stderr) = await Decode(["-", "--grid", Configuration.GridSetupTests.CityWkt], Zhuzhou);

        Assert.True(exit == 0, stderr);
        using JsonDocument doc = JsonDocument.Parse(stdout.Split('\n')[0]);
        JsonElement grid = doc.RootElement.GetProperty("grid");
        Assert.Equal(JsonValueKind.Null, grid.GetProperty("epsg").ValueKind);
        Assert.Equal("Zhuzhou city grid (test)", grid.GetProperty("name").GetString());
        // cs2cs (Geo's WktGridTests): 27.828 N 113.134 E is N 79410.040645, E 50886.666805 in this grid.
        Assert.Equal(79410.040645, grid.GetProperty("northing").GetDouble(), 0.001);
        Assert.Equal(50886.666805, grid.GetProperty("easting").GetDouble(), 0.001);
    }

    [Fact]
    public async Task RunAsync_GridWktFileAsCsvAndGeoJson_EmptyEpsgCellAndNamedGrid()
    {
        string file = Path.Combine(Path.GetTempPath(), $"beidouhub-decode-{Guid.NewGuid():N}.prj");
        await File.WriteAllTextAsync(file, Configuration.GridSetupTests.CityWkt);
        try
        {
            (int exit, string csv, string stderr) = await Decode(["-", "--format", "csv", "--grid", file], Zhuzhou);
            (_, string geojson, _) = await Decode(["-", "--format", "geojson", "--grid", file], Zhuzhou);

            Assert.True(exit == 0, stderr);
            string[] rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            string[] header = rows[0].Split(',');
            string[] first = rows[1].Split(',');
            Assert.Equal("", first[Array.IndexOf(header, "gridEpsg")]);
            Assert.Equal(79410.040645, double.Parse(first[Array.IndexOf(header, "northing")], System.Globalization.CultureInfo.InvariantCulture), 0.001);
            using JsonDocument doc = JsonDocument.Parse(geojson);
            JsonElement grid = doc.RootElement.GetProperty("features")[0].GetProperty("properties").GetProperty("grid");
            Assert.Equal("Zhuzhou city grid (test)", grid.GetProperty("name").GetString());
            Assert.Equal(JsonValueKind.Null, grid.GetProperty("epsg").ValueKind);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task RunAsync_GridNeitherEpsgNorWktNorFile_ExitsWithUsageError()
    {
        (int exit, _, string stderr) = await Decode(["-", "--grid", "no-such-grid.prj"], Zhuzhou);

        Assert.Equal(2, exit);
        Assert.Contains("decode: --grid no-such-grid.prj: give EPSG:CODE (4491-4554), a WKT (PROJCS[...]) or a file holding one", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Csv_HeaderAndOneRowPerEpoch()
    {
        (int exit, string stdout, _) = await Decode(["-", "--format", "csv", "--receiver", "gate"], Zhuzhou);

        Assert.Equal(0, exit);
        string[] rows = stdout.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, rows.Length);
        string[] header = rows[0].Split(',');
        string[] first = rows[1].Split(',');
        Assert.Equal(header.Length, first.Length);
        Assert.Equal("gate", first[Array.IndexOf(header, "receiver")]);
        Assert.Equal("2026-11-27T02:00:00.000Z", first[Array.IndexOf(header, "time")]);
        Assert.Equal(27.828, double.Parse(first[Array.IndexOf(header, "lat")], System.Globalization.CultureInfo.InvariantCulture), 9);
        Assert.Equal("2026-11-27T02:00:01.000Z", rows[2].Split(',')[Array.IndexOf(header, "time")]);
    }

    [Fact]
    public async Task RunAsync_GeoJson_PointsAndOneLineString()
    {
        (int exit, string stdout, _) = await Decode(["-", "--format", "geojson"], Zhuzhou);

        Assert.Equal(0, exit);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        Assert.Equal("FeatureCollection", doc.RootElement.GetProperty("type").GetString());
        JsonElement[] features = doc.RootElement.GetProperty("features").EnumerateArray().ToArray();
        Assert.Equal(["Point", "Point", "LineString"], features.Select(f => f.GetProperty("geometry").GetProperty("type").GetString()));
        JsonElement first = features[0].GetProperty("geometry").GetProperty("coordinates");
        Assert.Equal(113.134, first[0].GetDouble(), 9);
        Assert.Equal(27.828, first[1].GetDouble(), 9);
        Assert.Equal(50.0, first[2].GetDouble());
        Assert.Equal(2, features[2].GetProperty("geometry").GetProperty("coordinates").GetArrayLength());
    }

    [Fact]
    public async Task RunAsync_Gpx_ValidTrackWithTimesAndElevations()
    {
        (int exit, string stdout, _) = await Decode(["-", "--format", "gpx", "--receiver", "truck-7"], Zhuzhou);

        Assert.Equal(0, exit);
        var gpx = System.Xml.Linq.XDocument.Parse(stdout);
        System.Xml.Linq.XNamespace ns = "http://www.topografix.com/GPX/1/1";
        Assert.Equal("1.1", gpx.Root!.Attribute("version")!.Value);
        Assert.Equal("truck-7", gpx.Root.Element(ns + "trk")!.Element(ns + "name")!.Value);
        System.Xml.Linq.XElement[] points = gpx.Descendants(ns + "trkpt").ToArray();
        Assert.Equal(2, points.Length);
        Assert.Equal("27.828", points[0].Attribute("lat")!.Value[..6]);
        Assert.Equal("2026-11-27T02:00:01.000Z", points[1].Element(ns + "time")!.Value);
        Assert.Equal("51", points[1].Element(ns + "ele")!.Value);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> Decode(string[] args, string input)
    {
        var stdout = new MemoryStream();
        var stdin = new MemoryStream(Encoding.ASCII.GetBytes(input));
        var stderr = new StringWriter();
        int exit = await DecodeVerb.RunAsync(args, stderr, stdout, stdin, CancellationToken.None);
        return (exit, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }
}

public class DecodeVerbGoldenTests
{
    /// <summary>
    /// The fixture's decode, with its grid, as reviewed by a person once (lat/lon checked against
    /// ddmm.mmmmmmm by hand, RTK float for the first 8 epochs then fixed, 5 GPS + 8 BeiDou used,
    /// BeiDou once per signal). A change in the output is a change in the contract: review the diff.
    /// Regenerate with: dotnet run --project src/Service -- decode
    ///   tests/BeidouHub.Receiver.Tests/Fixtures/park-rtk-vehicle.nmea --grid EPSG:4547
    ///   > tests/BeidouHub.Service.Tests/Verbs/park-rtk-vehicle.expected.jsonl
    /// </summary>
    [Fact]
    public async Task RunAsync_ParkRtkVehicleFixture_EqualsReviewedGolden()
    {
        string dir = AppContext.BaseDirectory;
        string input = Path.Combine(dir, "Fixtures", "park-rtk-vehicle.nmea");
        string[] expected = await File.ReadAllLinesAsync(Path.Combine(dir, "Verbs", "park-rtk-vehicle.expected.jsonl"));
        var stdout = new MemoryStream();

        int exit = await DecodeVerb.RunAsync([input, "--grid", "EPSG:4547"], new StringWriter(), stdout, Stream.Null, CancellationToken.None);

        Assert.Equal(0, exit);
        string[] actual = Encoding.UTF8.GetString(stdout.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(20, expected.Length);
        Assert.Equal(expected, actual);
    }
}
