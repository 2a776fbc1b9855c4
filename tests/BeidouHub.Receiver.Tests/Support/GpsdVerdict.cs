using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using BeidouHub.Receiver.Decoding;
using BeidouHub.Receiver.Epochs;

namespace BeidouHub.Receiver.Tests.Support;

/// <summary>
/// A capture of ../shared/corpus/gpsd replayed the way gpsd saw it: the sentences gpsd echoed in
/// its verdict (NAME.log.chk) are fed in order to one decoder, and each JSON report gpsd made is
/// kept with a copy of the epoch being assembled at that same point. gpsd reports after every
/// sentence that changed something, so a report and the epoch beside it saw the same sentences.
/// The replay reads the sentences as gpsd framed them; `decode` of the file frames them itself
/// (GpsdFieldAgreementTests compares the two).
/// </summary>
internal sealed class GpsdVerdict
{
    private GpsdVerdict(List<GpsdReport> reports, List<Epoch> epochs)
    {
        Reports = reports;
        Epochs = epochs;
    }

    public IReadOnlyList<GpsdReport> Reports { get; }

    /// <summary>The epochs the decoder handed out, in order.</summary>
    public IReadOnlyList<Epoch> Epochs { get; }

    /// <summary>Every capture of the corpus, for data-driven tests.</summary>
    public static TheoryData<string> Captures => new()
    {
        "beidou-bd", "bu353-glonass", "gp-320fw-2019-04-07-coldboot", "gpsdf", "isync", "nmea-rtk",
        "quectel-eg25-g-2", "quectel-l76k-nmea", "quectelLC79D-1", "sirfstarv-nmea", "skytraq-PX1172RH_DS",
        "skytraq-fixB", "telit-pls83-w", "triton400", "ublox-f9p-hpnmea", "ublox-neo-m9n-nmea", "ublox-zed-f9r",
    };

    // One replay per capture for the whole run: a dozen tests read each, none changes it.
    private static readonly ConcurrentDictionary<string, Lazy<GpsdVerdict>> Replays = new(StringComparer.Ordinal);

    /// <summary>Replays NAME.log.chk (once per test run); skips the test when the corpus is absent.</summary>
    public static GpsdVerdict Replay(string capture)
    {
        string? dir = Corpus.GpsdDirectory;
        Skip.If(dir is null, Corpus.Absent);
        return Replays.GetOrAdd(capture, c => new Lazy<GpsdVerdict>(() => Load(Path.Combine(dir!, c + ".log")))).Value;
    }

    private static GpsdVerdict Load(string log)
    {
        string capture = Path.GetFileNameWithoutExtension(log);

        // gpsd echoes NMEA of its own making for binary packets ($GPGSV with 4xx numbers after a
        // u-blox cycle): a line that is not in the capture is one of those. A captured sentence
        // may follow binary bytes on its line (UBX before $GNRMC): every '$' starts a candidate.
        var captured = new HashSet<string>(StringComparer.Ordinal);
        foreach (string l in File.ReadLines(log, Encoding.Latin1))
        {
            string text = l.TrimEnd('\r');
            for (int at = text.IndexOfAny(['$', '!']); at >= 0; at = text.IndexOfAny(['$', '!'], at + 1))
            {
                captured.Add(text[at..]);
            }
        }

        var sink = new RecordingSink();
        var decoder = new NmeaDecoder(capture, sink);
        var reports = new List<GpsdReport>();
        bool lastWasCaptured = true;
        string after = "";
        int number = 0;
        foreach (string line in File.ReadLines(log + ".chk", Encoding.Latin1))
        {
            number++;
            if (line.StartsWith('$') || line.StartsWith('!'))
            {
                lastWasCaptured = captured.Contains(line);
                after = line;
                if (lastWasCaptured)
                {
                    decoder.DecodeSentence(Encoding.Latin1.GetBytes(line));
                }
            }
            else if (line.StartsWith("{\"class\":\"", StringComparison.Ordinal))
            {
                using JsonDocument doc = JsonDocument.Parse(line);
                JsonElement json = doc.RootElement.Clone();
                reports.Add(new GpsdReport(number, json.GetProperty("class").GetString()!, json, decoder.Assembler.Current.Clone(), !lastWasCaptured, after));
            }
        }

        decoder.Assembler.Flush();
        return new GpsdVerdict(reports, sink.Epochs);
    }

    /// <summary>The epochs handed out, by UTC time (the last of a time, should there be two).</summary>
    public Dictionary<DateTime, Epoch> ByTime()
    {
        var byTime = new Dictionary<DateTime, Epoch>();
        foreach (Epoch e in Epochs)
        {
            if (e.UtcTime is { } t)
            {
                byTime[t] = e;
            }
        }

        return byTime;
    }

    /// <summary>The epoch as handed out that <paramref name="current"/> (a report's <see cref="GpsdReport.Current"/>) became.</summary>
    public Epoch? Emitted(Epoch current) => Epochs.LastOrDefault(e => e.Sequence == current.Sequence);

    /// <summary>
    /// gpsd's last TPV for each fix time, taken while the receiver was still sending that time
    /// (the epoch beside the report has the same UTC time), with the epoch we handed out for it.
    /// gpsd keeps the last good time on sentences without one (an RMC with status V): those TPVs
    /// describe no sentence of that time and are left out.
    /// </summary>
    public IEnumerable<(GpsdReport Tpv, Epoch Epoch)> LastTpvPerFixTime()
    {
        Dictionary<DateTime, Epoch> byTime = ByTime();
        var last = new Dictionary<DateTime, GpsdReport>();
        var order = new List<DateTime>();
        foreach (GpsdReport r in Reports)
        {
            if (r.Class == "TPV" && !r.FollowsSynthetic && r.Time is { } t && r.Current.UtcTime == t)
            {
                if (!last.ContainsKey(t))
                {
                    order.Add(t);
                }

                last[t] = r;
            }
        }

        foreach (DateTime t in order)
        {
            yield return (last[t], byTime[t]);
        }
    }
}
