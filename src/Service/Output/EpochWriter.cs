using System.Globalization;
using BeidouHub.Geo;
using BeidouHub.Receiver.Epochs;

namespace BeidouHub.Service.Output;

/// <summary>
/// Base of the decode outputs: one record per complete epoch, an optional grid position
/// (Gauss-Kruger, or a city's own grid through ProjNET) computed per epoch, and <see cref="Complete"/> for formats that close a document.
/// </summary>
internal abstract class EpochWriter : IEpochSink, IDisposable
{
    protected EpochWriter(Stream output, IGrid? grid)
    {
        Output = output;
        Grid = grid;
    }

    /// <summary>A writer that hands its epochs to <paramref name="inner"/> (same output and grid).</summary>
    protected EpochWriter(EpochWriter inner)
        : this(inner.Output, inner.Grid)
    {
    }

    protected Stream Output { get; }

    protected IGrid? Grid { get; }

    public virtual long Records { get; protected set; }

    /// <summary>
    /// The writer of <paramref name="format"/>; with <paramref name="pipelined"/>, run on a thread of
    /// its own (<see cref="PipelinedEpochWriter"/>): the decode verb asks for that when there is a
    /// second core.
    /// </summary>
    public static EpochWriter Create(string format, Stream output, IGrid? grid, bool pipelined)
    {
        EpochWriter writer = Create(format, output, grid);
        return pipelined ? new PipelinedEpochWriter(writer) : writer;
    }

    public static EpochWriter Create(string format, Stream output, IGrid? grid) => format switch
    {
        "jsonl" => new JsonlEpochWriter(output, grid),
        "csv" => new CsvEpochWriter(output, grid),
        "geojson" => new GeoJsonEpochWriter(output, grid),
        "gpx" => new GpxEpochWriter(output, grid),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown format"),
    };

    public static readonly string[] Formats = ["jsonl", "csv", "geojson", "gpx"];

    public void OnPosition(Epoch epoch)
    {
    }

    public abstract void OnEpoch(Epoch epoch);

    /// <summary>
    /// Hands what is written so far to the output and flushes it (the decode verb calls it before
    /// it waits for more input, so a live pipe shows its epochs).
    /// </summary>
    public virtual void Flush() => Output.Flush();

    /// <summary>Writes whatever closes the document (GeoJSON lines, GPX end tags).</summary>
    public virtual void Complete()
    {
    }

    public abstract void Dispose();

    protected GridPoint? GridOf(Epoch epoch) =>
        Grid is not null && epoch.Latitude is { } lat && epoch.Longitude is { } lon ? Grid.Forward(lat, lon) : null;

    /// <summary>
    /// The decode record's <c>grid</c> object: <c>{epsg, northing, easting}</c>; a grid without an
    /// EPSG code (WKT or parameters) has <c>epsg</c> null and its <c>name</c> after it.
    /// </summary>
    protected void WriteGrid(System.Text.Json.Utf8JsonWriter w, GridPoint g)
    {
        w.WriteStartObject("grid"u8);
        if (Grid!.Epsg is { } epsg)
        {
            w.WriteNumber("epsg"u8, epsg);
        }
        else
        {
            w.WriteNull("epsg"u8);
            w.WriteString("name"u8, Grid.Name);
        }

        w.WriteNumber("northing"u8, g.Northing);
        w.WriteNumber("easting"u8, g.Easting);
        w.WriteEndObject();
    }

    protected static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    protected static string TimeOfDay(int ms) => TimeSpan.FromMilliseconds(ms).ToString(@"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture);

    protected static string ModeName(FixMode mode) => mode switch
    {
        FixMode.TwoD => "2d",
        FixMode.ThreeD => "3d",
        _ => "no-fix",
    };

    protected static string RtkName(RtkState rtk) => rtk switch
    {
        RtkState.Fixed => "fixed",
        RtkState.Float => "float",
        _ => "none",
    };
}
