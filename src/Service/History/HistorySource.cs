using System.Globalization;
using System.Text;
using BeidouHub.Receiver.Sources;
using BeidouHub.Store;
using BeidouHub.Store.Sqlite;

namespace BeidouHub.Service.History;

/// <summary>
/// <c>history://RECEIVER?from=T&amp;to=T&amp;speed=1&amp;db=data/history.db</c>: a receiver's stored
/// track, made into NMEA again (<see cref="HistoryNmea"/>) and paced by its own times as a replayed
/// file is, so a recorded day goes through the whole pipeline (assembler, geo, zones, hub, API)
/// once more. Once through; the receiver then stops. <c>db</c> is the SQLite history file (the
/// default is <c>BeidouHub:History:Path</c>'s default).
/// </summary>
internal sealed record HistorySourceOptions(string Uri, string Receiver, DateTime From, DateTime To, double Speed, string Database) : SourceOptions(Uri)
{
    /// <summary>At most this many epochs per replay (about 30 MB of NMEA in memory): a day at 1 Hz, 8 h at 10 Hz.</summary>
    public const int MaxEpochs = 300_000;

    public static SourceScheme Scheme { get; } = new("history", TryCreate);

    protected override bool TryCreateSource(TimeProvider time, out IByteSource? source, out string? reason)
    {
        source = new HistorySource(this, time);
        reason = null;
        return true;
    }

    private static HistorySourceOptions? TryCreate(string uri, string path, IReadOnlyDictionary<string, string> query, out string? error)
    {
        error = null;
        string receiver = path.Trim('/');
        foreach (string key in query.Keys)
        {
            if (key is not ("from" or "to" or "speed" or "db"))
            {
                error = $"unknown parameter '{key}' (history:// takes from, to, speed, db)";
                return null;
            }
        }

        if (receiver.Length == 0)
        {
            error = "name the receiver: history://RECEIVER?from=...&to=...";
            return null;
        }

        if (!query.TryGetValue("from", out string? fromText) || !TryTime(fromText, out DateTime from))
        {
            error = "from=: an ISO 8601 UTC time is required, e.g. from=2026-11-27T02:00:00Z";
            return null;
        }

        DateTime to = from.AddDays(1);
        if (query.TryGetValue("to", out string? toText) && !TryTime(toText, out to))
        {
            error = $"to='{toText}': expected an ISO 8601 UTC time";
            return null;
        }

        if (to <= from)
        {
            error = "to must be after from";
            return null;
        }

        double speed = 1;
        if (query.TryGetValue("speed", out string? speedText)
            && (!double.TryParse(speedText, NumberStyles.Float, CultureInfo.InvariantCulture, out speed) || !(speed > 0) || speed > 1000))
        {
            error = $"speed='{speedText}': expected a number above 0 and at most 1000";
            return null;
        }

        string db = query.TryGetValue("db", out string? d) && d.Length > 0 ? d : new Configuration.HistoryConfig().Path;
        return new HistorySourceOptions(uri, receiver, from, to, speed, db);
    }

    private static bool TryTime(string text, out DateTime time) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out time);
}

/// <summary>The byte source of <see cref="HistorySourceOptions"/>: the track read once when opened, then paced.</summary>
internal sealed class HistorySource(HistorySourceOptions options, TimeProvider time) : IByteSource
{
    public string Description => options.Uri;

    public bool EndsWhenDrained => true;

    public async Task<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(options.Database))
        {
            throw new FileNotFoundException($"history file '{Path.GetFullPath(options.Database)}' not found (db= in the history:// source)", options.Database);
        }

        var store = new SqliteHistoryStore(options.Database, readOnly: true);
        var text = new StringBuilder();
        int epochs = 0;
        await foreach (PositionRecord r in store.ReadTrackAsync(options.Receiver, options.From, options.To, 0, cancellationToken).ConfigureAwait(false))
        {
            if (++epochs > HistorySourceOptions.MaxEpochs)
            {
                throw new InvalidDataException($"more than {HistorySourceOptions.MaxEpochs} stored epochs of {options.Receiver} in [{options.From:O}, {options.To:O}): replay a shorter period");
            }

            HistoryNmea.Append(text, r);
        }

        if (epochs == 0)
        {
            throw new InvalidDataException($"nothing stored of {options.Receiver} in [{options.From:O}, {options.To:O})");
        }

        return ReplaySource.Pace(new MemoryStream(Encoding.ASCII.GetBytes(text.ToString()), writable: false), options.Speed, time);
    }
}
