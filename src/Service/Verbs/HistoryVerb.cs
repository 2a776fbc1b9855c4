using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using BeidouHub.Service.Configuration;
using BeidouHub.Store;
using BeidouHub.Store.Postgres;
using BeidouHub.Store.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace BeidouHub.Service.Verbs;

/// <summary>
/// <c>beidouhub history --receiver ID --from T [--to T] [--format jsonl|csv|geojson|nmea] [--db PATH | --postgres CONN]</c>:
/// a receiver's stored track out of the history file or PostgreSQL database, read directly
/// (read-only: a running service keeps writing), with the field names of <c>decode</c>'s records.
/// The store is named on the command line, not read from the service's configuration: the verb
/// reads a copied file or another park's database as easily as this service's.
/// </summary>
internal static class HistoryVerb
{
    public const string Usage = """
        usage: beidouhub history --receiver ID --from T [--to T] [--format jsonl|csv|geojson|nmea] [--db PATH | --postgres CONN] [--max-points N]
          --receiver ID   the receiver whose stored positions to write (its configured id)
          --from T        start, UTC: 2026-11-27T02:00:00Z (a time without an offset is UTC; a date alone is its midnight)
          --to T          end, excluded (default: now)
          --format F      jsonl: one JSON object per stored epoch, decode's field names plus grid, park and zones (default);
                          csv: one row per epoch; geojson: a FeatureCollection of points plus the track as a LineString;
                          nmea: RMC, GGA, GST, ZDA per epoch, as a receiver would have sent them (decode and replay:// read it)
          --db PATH       the history file (default: data/history.db, BeidouHub:History:Path's default)
          --postgres CONN a PostgreSQL history instead (BeidouHub:History:Store=Postgres), as an Npgsql
                          connection string: "Host=127.0.0.1;Port=5432;Database=beidouhub;Username=reader"
          --max-points N  at most N epochs, evenly thinned (default: every stored epoch)
        """;

    private static readonly string[] Formats = ["jsonl", "csv", "geojson", "nmea"];
    private static readonly string[] UsedNames = ["gps", "glonass", "galileo", "beidou", "qzss", "navic", "sbas"];

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<int> RunAsync(string[] args, TextWriter stderr, Stream stdout, CancellationToken cancellationToken, TimeProvider? time = null)
    {
        string? receiver = null;
        DateTime? since = null;
        DateTime? until = null;
        string format = "jsonl";
        string db = new HistoryConfig().Path;
        bool dbGiven = false;
        string? postgres = null;
        int maxPoints = 0;
        var cli = new ArgumentReader("history", args);
        while (cli.Read())
        {
            switch (cli.Option)
            {
                case "--receiver":
                    receiver = cli.TryValue(out string id) ? id : null;
                    break;
                case "--from":
                    since = TryTime(cli);
                    break;
                case "--to":
                    until = TryTime(cli);
                    break;
                case "--format":
                    if (cli.TryValue(out format) && !Formats.Contains(format))
                    {
                        cli.Invalid("one of " + string.Join(", ", Formats));
                    }

                    break;
                case "--db":
                    if (cli.TryValue(out string path))
                    {
                        db = path;
                        dbGiven = true;
                    }

                    break;
                case "--postgres":
                    if (cli.TryValue(out string connection))
                    {
                        if (PostgresHistoryStore.CheckConnectionString(connection) is { } problem)
                        {
                            // Not cli.Invalid: that repeats the value, and this one may hold a password.
                            cli.Fail("--postgres: " + problem);
                        }
                        else
                        {
                            postgres = connection;
                        }
                    }

                    break;
                case "--max-points":
                    if (cli.TryInteger(1, int.MaxValue, out long max))
                    {
                        maxPoints = (int)max;
                    }

                    break;
                default:
                    cli.Unexpected();
                    break;
            }
        }

        if (receiver is null || since is null)
        {
            cli.Fail("--receiver and --from are required (see beidouhub history --help)");
        }

        if (dbGiven && postgres is not null)
        {
            cli.Fail("--db and --postgres name two stores: give one");
        }

        DateTime end = until ?? (time ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        if (since is { } s && s >= end)
        {
            cli.Fail(string.Create(CultureInfo.InvariantCulture, $"--to {end:O} must be after --from {s:O}"));
        }

        int? exit = cli.Finish(stdout, stderr, Usage);
        if (exit is not null || receiver is null || since is null)
        {
            return exit ?? 2;
        }

        if (postgres is null && !File.Exists(db))
        {
            await stderr.WriteLineAsync($"history: {Path.GetFullPath(db)}: no such file (the service keeps its history there when BeidouHub:History is on; --db names another)").ConfigureAwait(false);
            return 2;
        }

        IHistoryStore store = postgres is null ? new SqliteHistoryStore(db, readOnly: true) : new PostgresHistoryStore(postgres, readOnly: true);
        long written = 0;
        try
        {
            await store.OpenAsync(cancellationToken).ConfigureAwait(false);
            IAsyncEnumerable<PositionRecord> track = store.ReadTrackAsync(receiver, since.Value, end, maxPoints, cancellationToken);
            written = format switch
            {
                "csv" => await WriteCsvAsync(track, stdout).ConfigureAwait(false),
                "geojson" => await WriteGeoJsonAsync(track, stdout).ConfigureAwait(false),
                "nmea" => await WriteNmeaAsync(track, stdout).ConfigureAwait(false),
                _ => await WriteJsonlAsync(track, stdout).ConfigureAwait(false),
            };
        }
        catch (Exception e) when (e is SqliteException or NpgsqlException or InvalidDataException)
        {
            await stderr.WriteLineAsync($"history: {store.Location}: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync().ConfigureAwait(false);
            }
        }

        await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"history: {written} epochs of {receiver} from {since.Value:O} to {end:O}")).ConfigureAwait(false);
        return 0;
    }

    // ISO 8601; without an offset, UTC (the history's times are UTC, and so is a park's log).
    private static DateTime? TryTime(ArgumentReader cli)
    {
        if (!cli.TryValue(out string text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset t))
        {
            return t.UtcDateTime;
        }

        cli.Invalid("an ISO 8601 time such as 2026-11-27T02:00:00Z or a date such as 2026-11-27");
        return null;
    }

    private static async Task<long> WriteJsonlAsync(IAsyncEnumerable<PositionRecord> track, Stream output)
    {
        long n = 0;
        await using var json = new Utf8JsonWriter(output);
        await foreach (PositionRecord r in track.ConfigureAwait(false))
        {
            WriteRecord(json, r);
            await json.FlushAsync().ConfigureAwait(false);
            json.Reset();
            output.WriteByte((byte)'\n');
            n++;
        }

        await output.FlushAsync().ConfigureAwait(false);
        return n;
    }

    private static void WriteRecord(Utf8JsonWriter json, PositionRecord r)
    {
        json.WriteStartObject();
        json.WriteString("receiver", r.Receiver);
        json.WriteString("time", Iso(r.Time));
        Number(json, "lat", r.Latitude);
        Number(json, "lon", r.Longitude);
        Number(json, "altMsl", r.AltitudeMsl);
        Number(json, "geoidSep", r.GeoidSeparation);
        json.WriteNumber("quality", r.Quality);
        json.WriteString("mode", Mode(r.Mode));
        json.WriteString("rtk", Rtk(r.Rtk));
        Number(json, "speedMps", r.SpeedMps);
        Number(json, "courseDeg", r.CourseDeg);
        Number(json, "hdop", r.Hdop);
        Number(json, "vdop", r.Vdop);
        Number(json, "pdop", r.Pdop);
        Number(json, "sigmaLat", r.SigmaLatitude);
        Number(json, "sigmaLon", r.SigmaLongitude);
        Number(json, "sigmaAlt", r.SigmaAltitude);
        Number(json, "diffAge", r.DiffAge);
        Number(json, "diffStation", r.DiffStation);
        json.WriteStartObject("used");
        for (int i = 0; i < UsedNames.Length && i < r.Used.Length; i++)
        {
            if (r.Used[i] > 0)
            {
                json.WriteNumber(UsedNames[i], r.Used[i]);
            }
        }

        json.WriteEndObject();
        if (r.GridNorthing is { } n && r.GridEasting is { } e)
        {
            json.WriteStartObject("grid");
            if (r.GridEpsg != 0)
            {
                json.WriteNumber("epsg", r.GridEpsg);
            }
            else
            {
                json.WriteNull("epsg");
                json.WriteString("name", r.GridName);
            }

            json.WriteNumber("northing", n);
            json.WriteNumber("easting", e);
            json.WriteEndObject();
        }

        if (r.ParkEast is { } pe && r.ParkNorth is { } pn)
        {
            json.WriteStartObject("park");
            json.WriteNumber("east", pe);
            json.WriteNumber("north", pn);
            json.WriteEndObject();
        }

        json.WriteStartArray("zones");
        foreach (string z in r.Zones)
        {
            json.WriteStringValue(z);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static async Task<long> WriteNmeaAsync(IAsyncEnumerable<PositionRecord> track, Stream output)
    {
        long n = 0;
        await using var text = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        var epoch = new StringBuilder(512);
        await foreach (PositionRecord r in track.ConfigureAwait(false))
        {
            epoch.Clear();
            History.HistoryNmea.Append(epoch, r);
            await text.WriteAsync(epoch).ConfigureAwait(false);
            n++;
        }

        return n;
    }

    private static async Task<long> WriteCsvAsync(IAsyncEnumerable<PositionRecord> track, Stream output)
    {
        long n = 0;
        await using var text = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\r\n" };
        await text.WriteLineAsync("receiver,time,lat,lon,altMsl,geoidSep,quality,mode,rtk,speedMps,courseDeg,hdop,vdop,pdop,sigmaLat,sigmaLon,sigmaAlt,diffAge,diffStation,"
            + "usedGps,usedGlonass,usedGalileo,usedBeidou,usedQzss,usedNavic,usedSbas,gridEpsg,northing,easting,parkEast,parkNorth,zones").ConfigureAwait(false);
        await foreach (PositionRecord r in track.ConfigureAwait(false))
        {
            var row = new StringBuilder(256);
            row.Append(Quote(r.Receiver)).Append(',').Append(Iso(r.Time));
            foreach (double? v in (double?[])[r.Latitude, r.Longitude, r.AltitudeMsl, r.GeoidSeparation])
            {
                Cell(row, v);
            }

            row.Append(',').Append(r.Quality.ToString(CultureInfo.InvariantCulture)).Append(',').Append(Mode(r.Mode)).Append(',').Append(Rtk(r.Rtk));
            foreach (double? v in (double?[])[r.SpeedMps, r.CourseDeg, r.Hdop, r.Vdop, r.Pdop, r.SigmaLatitude, r.SigmaLongitude, r.SigmaAltitude, r.DiffAge, r.DiffStation])
            {
                Cell(row, v);
            }

            foreach (int u in r.Used)
            {
                row.Append(',').Append(u.ToString(CultureInfo.InvariantCulture));
            }

            row.Append(',').Append(r.GridNorthing is null ? "" : r.GridEpsg != 0 ? r.GridEpsg.ToString(CultureInfo.InvariantCulture) : Quote(r.GridName ?? ""));
            foreach (double? v in (double?[])[r.GridNorthing, r.GridEasting, r.ParkEast, r.ParkNorth])
            {
                Cell(row, v);
            }

            row.Append(',').Append(Quote(string.Join(' ', r.Zones)));
            await text.WriteLineAsync(row.ToString()).ConfigureAwait(false);
            n++;
        }

        await text.FlushAsync().ConfigureAwait(false);
        return n;
    }

    // RFC 7946: a point per epoch with a fix (the record's fields as properties), then the track as a LineString.
    private static async Task<long> WriteGeoJsonAsync(IAsyncEnumerable<PositionRecord> track, Stream output)
    {
        long n = 0;
        var line = new List<(double Lon, double Lat)>();
        await using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("type", "FeatureCollection");
        json.WriteStartArray("features");
        string? receiver = null;
        await foreach (PositionRecord r in track.ConfigureAwait(false))
        {
            n++;
            receiver = r.Receiver;
            if (r.Latitude is not { } lat || r.Longitude is not { } lon)
            {
                continue;
            }

            line.Add((lon, lat));
            json.WriteStartObject();
            json.WriteString("type", "Feature");
            json.WriteStartObject("geometry");
            json.WriteString("type", "Point");
            json.WriteStartArray("coordinates");
            json.WriteNumberValue(lon);
            json.WriteNumberValue(lat);
            json.WriteEndArray();
            json.WriteEndObject();
            json.WritePropertyName("properties");
            WriteRecord(json, r);
            json.WriteEndObject();
            if (json.BytesPending > 1 << 16)
            {
                await json.FlushAsync().ConfigureAwait(false);
            }
        }

        if (line.Count > 1)
        {
            json.WriteStartObject();
            json.WriteString("type", "Feature");
            json.WriteStartObject("geometry");
            json.WriteString("type", "LineString");
            json.WriteStartArray("coordinates");
            foreach ((double lon, double lat) in line)
            {
                json.WriteStartArray();
                json.WriteNumberValue(lon);
                json.WriteNumberValue(lat);
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartObject("properties");
            json.WriteString("receiver", receiver);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync().ConfigureAwait(false);
        output.WriteByte((byte)'\n');
        await output.FlushAsync().ConfigureAwait(false);
        return n;
    }

    private static void Number(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void Number(Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void Cell(StringBuilder row, double? value) =>
        row.Append(',').Append(value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "");

    private static string Quote(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;

    private static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Mode(int mode) => mode switch
    {
        2 => "2d",
        3 => "3d",
        _ => "no-fix",
    };

    private static string Rtk(int rtk) => rtk switch
    {
        1 => "float",
        2 => "fixed",
        _ => "none",
    };
}
