using System.Globalization;
using System.Text;
using System.Text.Json;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Satellites;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Conformance;

/// <summary>
/// Every capture of gpsd's regression suite in ../shared/corpus/gpsd against gpsd's own verdict
/// (<c>NAME.log.chk</c>): each fix gpsd reports (TPV with time, lat/lon, mode &gt;= 2) has a decoded
/// epoch at the same time with lat/lon within 2e-7 deg and altitude MSL within 1 cm; the BeiDou
/// satellites seen and used equal gpsd's SKY at the same point of the stream. Where gpsd is wrong,
/// the case is named below with the reason, and nothing else is skipped.
/// </summary>
public class GpsdAgreementTests
{
    private const double DegreeTolerance = 2e-7;
    private const double AltitudeTolerance = 0.01;

    public static TheoryData<string> Captures => GpsdVerdict.Captures;

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void Decode_GpsdCapture_EveryGpsdFixHasEpochAtSameTimeAndPlace(string capture)
    {
        (string log, string chk) = Paths(capture);
        List<Epoch> epochs = DecodeFile(log, capture);
        var byTime = new Dictionary<DateTime, Epoch>();
        foreach (Epoch e in epochs)
        {
            if (e.UtcTime is { } t)
            {
                Assert.False(byTime.ContainsKey(t), $"{capture}: two epochs for {t:O}");
                byTime[t] = e;
            }
        }

        int compared = 0;
        var failures = new List<string>();
        foreach (JsonElement tpv in Reports(chk, "TPV"))
        {
            if (!tpv.TryGetProperty("time", out JsonElement timeElement) || !tpv.TryGetProperty("lat", out JsonElement latElement)
                || tpv.GetProperty("mode").GetInt32() < 2)
            {
                continue;
            }

            DateTime time = DateTime.Parse(timeElement.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
            double lat = latElement.GetDouble();
            double lon = tpv.GetProperty("lon").GetDouble();
            compared++;
            if (!byTime.TryGetValue(time, out Epoch? epoch))
            {
                failures.Add($"{time:O}: gpsd has a fix ({lat}, {lon}), decode has no epoch at that time");
                continue;
            }

            if (epoch.Latitude is not { } myLat || epoch.Longitude is not { } myLon)
            {
                failures.Add($"{time:O}: gpsd has a fix ({lat}, {lon}), decoded epoch has no position");
                continue;
            }

            if (Math.Abs(myLat - lat) > DegreeTolerance || Math.Abs(myLon - lon) > DegreeTolerance)
            {
                failures.Add($"{time:O}: gpsd ({lat}, {lon}) vs decode ({myLat}, {myLon})");
            }

            if (tpv.TryGetProperty("altMSL", out JsonElement alt) && epoch.AltitudeMsl is { } myAlt
                && Math.Abs(myAlt - alt.GetDouble()) > AltitudeTolerance)
            {
                failures.Add($"{time:O}: gpsd altMSL {alt.GetDouble()} vs decode {myAlt}");
            }
        }

        Assert.True(failures.Count == 0, $"{capture}: {failures.Count} of {compared} fixes disagree:\n" + string.Join("\n", failures.Take(20)));
        if (ExpectedFixes.TryGetValue(capture, out int expected))
        {
            Assert.Equal(expected, compared);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void Decode_GpsdCapture_BeidouSatellitesSeenAndUsedEqualGpsdSky(string capture)
    {
        // At each SKY report, the epoch being assembled at that same point of the stream
        // (GpsdVerdict). A SKY that follows NMEA gpsd made from a binary packet reflects binary
        // data NMEA never carried, so it is not compared (counted in the message below).
        GpsdVerdict verdict = GpsdVerdict.Replay(capture);
        int skies = 0, withBeidou = 0, afterSynthetic = 0;
        var failures = new List<string>();
        foreach (GpsdReport sky in verdict.Reports.Where(r => r.Class == "SKY"))
        {
            if (sky.FollowsSynthetic)
            {
                afterSynthetic++;
                continue;
            }

            if (!sky.Json.TryGetProperty("satellites", out JsonElement sats))
            {
                continue;
            }

            skies++;
            var gpsdSeen = new SortedSet<int>();
            var gpsdUsed = new SortedSet<int>();
            foreach (JsonElement s in sats.EnumerateArray())
            {
                if (s.GetProperty("gnssid").GetInt32() == 3)
                {
                    int svid = s.GetProperty("svid").GetInt32();
                    gpsdSeen.Add(svid);
                    if (s.GetProperty("used").GetBoolean())
                    {
                        gpsdUsed.Add(svid);
                    }
                }
            }

            Epoch current = sky.Current;
            var mySeen = new SortedSet<int>();
            foreach (SkySatellite s in current.Satellites)
            {
                if (s.Id.Constellation == Constellation.Beidou)
                {
                    mySeen.Add(s.Id.Svid);
                }
            }

            var myUsed = new SortedSet<int>();
            foreach (SatelliteId u in current.Used)
            {
                if (u.Constellation == Constellation.Beidou && mySeen.Contains(u.Svid))
                {
                    myUsed.Add(u.Svid);
                }
            }

            if (gpsdSeen.Count > 0 || mySeen.Count > 0)
            {
                withBeidou++;
            }

            if (!gpsdSeen.SetEquals(mySeen))
            {
                failures.Add($"SKY #{skies} (chk line {sky.Line}): BeiDou seen gpsd [{string.Join(",", gpsdSeen)}] decode [{string.Join(",", mySeen)}]");
            }
            else if (!gpsdUsed.SetEquals(myUsed))
            {
                failures.Add($"SKY #{skies} (chk line {sky.Line}): BeiDou used gpsd [{string.Join(",", gpsdUsed)}] decode [{string.Join(",", myUsed)}]");
            }
        }

        Assert.True(failures.Count == 0, $"{capture}: {failures.Count} of {skies} SKY reports disagree ({withBeidou} with BeiDou, "
            + $"{afterSynthetic} not compared: they follow NMEA gpsd made from binary packets):\n" + string.Join("\n", failures.Take(20)));
        (string log, _) = Paths(capture);
        if (File.ReadLines(log, Encoding.Latin1).Any(l => l.Contains("GSV,", StringComparison.Ordinal)))
        {
            Assert.True(skies > 0, $"{capture}: the capture has GSV but no gpsd SKY report was compared");
        }
    }

    // How many gpsd fixes each capture must have been compared against: guards the comparison
    // itself against silently matching nothing.
    private static readonly Dictionary<string, int> ExpectedFixes = new()
    {
        ["nmea-rtk"] = 122,
        ["quectel-l76k-nmea"] = 150,
        ["ublox-zed-f9r"] = 58,
    };

    private static (string Log, string Chk) Paths(string capture)
    {
        string? dir = Corpus.GpsdDirectory;
        Skip.If(dir is null, Corpus.Absent);
        string log = Path.Combine(dir!, capture + ".log");
        return (log, log + ".chk");
    }

    internal static List<Epoch> DecodeFile(string path, string receiver) => NmeaText.DecodeAll(File.ReadAllBytes(path), receiver);

    private static IEnumerable<JsonElement> Reports(string chk, string cls)
    {
        string prefix = "{\"class\":\"" + cls + "\"";
        foreach (string line in File.ReadLines(chk))
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                using JsonDocument doc = JsonDocument.Parse(line);
                yield return doc.RootElement.Clone();
            }
        }
    }
}
