using System.Globalization;
using System.Text.Json;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Satellites;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Conformance;

/// <summary>
/// Beyond positions: every field gpsd and BeidouHub both report, capture by capture, against
/// gpsd's verdict replayed through one decoder (<see cref="GpsdVerdict"/>): speed and course,
/// mode and status, geoid separation and reference station, climb (derived from successive
/// altitudes, as gpsd does), GST errors, DOPs, and per satellite identity, elevation, azimuth,
/// C/N0 and used flag. A disagreement fails with capture, time or chk line, field, gpsd's value
/// and ours, unless it is one of the <see cref="Cases"/> below, each named with its reason (gpsd
/// wrong, or gpsd reporting what came from a sentence we do not read or from its own models);
/// a named case that no longer occurs fails too.
/// <para>
/// Not compared, because only gpsd has them: TPV eph/epx/epy/epv/sep/eps/epd/epc/ept (gpsd's DOP x
/// UERE guesses, or GBS/PSRFEPE values), magvar/magtrack, SKY gdop/tdop/xdop/ydop (gpsd's own
/// geometry), GST rms/major/minor/orient (an epoch keeps the three sigmas).
/// </para>
/// </summary>
public class GpsdFieldAgreementTests
{
    public static TheoryData<string> Captures => GpsdVerdict.Captures;

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void Decode_GpsdCapture_SpeedAndCourseEqualGpsdTpv(string capture)
    {
        GpsdVerdict verdict = GpsdVerdict.Replay(capture);
        var found = new List<Disagreement>();
        int compared = 0;
        foreach ((GpsdReport tpv, Epoch epoch) in FixTimes(verdict, found))
        {
            compared++;

            // gpsd prints speed with 3 decimals (m/s from knots x 0.514444) and track with 4.
            Compare(found, TimeOf(tpv), "speed", tpv.Number("speed"), epoch.SpeedMps, 0.0005);
            Compare(found, TimeOf(tpv), "track", tpv.Number("track"), epoch.CourseDeg, 0.00005);
        }

        AssertAgree(capture, "speed/track", found, $"{compared} fix times");
    }

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void Decode_GpsdCapture_ModeAndStatusEqualGpsdTpv(string capture)
    {
        GpsdVerdict verdict = GpsdVerdict.Replay(capture);
        var found = new List<Disagreement>();
        int compared = 0;
        foreach ((GpsdReport tpv, Epoch epoch) in FixTimes(verdict, found))
        {
            compared++;
            Compare(found, TimeOf(tpv), "mode", tpv.Number("mode"), (int)epoch.Mode, 0);

            // gpsd prints status only from 2 (DGPS) up: absent means unknown or plain GPS.
            Compare(found, TimeOf(tpv), "status", tpv.Number("status"), GpsdStatus(epoch) is int s and >= 2 ? s : null, 0);
        }

        AssertAgree(capture, "mode/status", found, $"{compared} fix times");
    }

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void Decode_GpsdCapture_GeoidSeparationAndStationEqualGpsdTpv(string capture)
    {
        GpsdVerdict verdict = GpsdVerdict.Replay(capture);
        var found = new List<Disagreement>();
        int compared = 0;
        foreach ((GpsdReport tpv, Epoch epoch) in FixTimes(verdict, found))
        {
            compared++;
            Compare(found, TimeOf(tpv), "geoidSep", tpv.Number("geoidSep"), epoch.GeoidSeparation, 0.0005);
            Compare(found, TimeOf(tpv), "dgpsAge", tpv.Number("dgpsAge"), epoch.DiffAge, 0.05);
            Compare(found, TimeOf(tpv), "dgpsSta", tpv.Number("dgpsSta"), epoch.DiffStation, 0);
        }

        AssertAgree(capture, "geoidSep/dgps", found, $"{compared} fix times");
    }

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void Decode_GpsdCapture_ClimbFromSuccessiveAltitudesEqualsGpsdTpv(string capture)
    {
        // NMEA carries no vertical speed: gpsd derives climb from the altitudes of the last fix of
        // the previous time and this one, both 3D (libgpsd_core.c gpsd_error_model). Epochs keep
        // no climb (an epoch is what the receiver said for one time); this checks that a client
        // doing the same with our epochs gets gpsd's value.
        GpsdVerdict verdict = GpsdVerdict.Replay(capture);
        var before = new Dictionary<long, Epoch?>();
        Epoch? last = null;
        foreach (Epoch e in verdict.Epochs.Where(e => e.UtcTime.HasValue))
        {
            before[e.Sequence] = last;
            last = e;
        }

        var found = new List<Disagreement>();
        int compared = 0;
        foreach ((GpsdReport tpv, Epoch epoch) in FixTimes(verdict, found))
        {
            double? climb = Climb(before.GetValueOrDefault(epoch.Sequence), epoch);
            compared += tpv.Number("climb").HasValue && climb.HasValue ? 1 : 0;
            Compare(found, TimeOf(tpv), "climb", tpv.Number("climb"), climb, 0.0005);
        }

        AssertAgree(capture, "climb", found, $"{compared} climbs");
    }

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void Decode_GpsdCapture_GstErrorsEqualGpsdGst(string capture)
    {
        GpsdVerdict verdict = GpsdVerdict.Replay(capture);
        Dictionary<DateTime, Epoch> byTime = verdict.ByTime();
        var found = new List<Disagreement>();
        int compared = 0;
        foreach (GpsdReport gst in verdict.Reports.Where(r => r.Class == "GST" && !r.FollowsSynthetic))
        {
            compared++;
            if (gst.Time is not { } t || !byTime.TryGetValue(t, out Epoch? epoch))
            {
                found.Add(new Disagreement(TimeOf(gst), "epoch", "GST", "none"));
                continue;
            }

            Compare(found, TimeOf(gst), "lat", gst.Number("lat"), epoch.SigmaLatitude, 0.0005);
            Compare(found, TimeOf(gst), "lon", gst.Number("lon"), epoch.SigmaLongitude, 0.0005);
            Compare(found, TimeOf(gst), "alt", gst.Number("alt"), epoch.SigmaAltitude, 0.0005);
        }

        AssertAgree(capture, "GST", found, $"{compared} GST reports");
    }

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void Decode_GpsdCapture_DopsEqualGpsdSky(string capture)
    {
        // gpsd keeps DOPs across sentences and fills those the receiver did not send from its own
        // satellite geometry (fill_dop): only values both have are compared, at the same point of
        // the stream as the epoch being assembled there.
        GpsdVerdict verdict = GpsdVerdict.Replay(capture);
        var found = new List<Disagreement>();
        int compared = 0;
        foreach (GpsdReport sky in verdict.Reports.Where(r => r.Class == "SKY" && !r.FollowsSynthetic))
        {
            Epoch e = sky.Current;
            compared += CompareWhereBoth(found, sky, "hdop", e.Hdop) + CompareWhereBoth(found, sky, "vdop", e.Vdop)
                + CompareWhereBoth(found, sky, "pdop", e.Pdop);
        }

        AssertAgree(capture, "DOP", found, $"{compared} DOPs");
        if (verdict.Reports.Any(r => r.Class == "SKY" && r.Number("hdop").HasValue && !r.FollowsSynthetic))
        {
            Assert.True(compared > 0, $"{capture}: gpsd reported DOPs, none compared");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void Decode_GpsdCapture_SatellitesEqualGpsdSky(string capture)
    {
        // At each SKY with satellites: the same (gnssid, svid, sigid) as gpsd numbers them, and for
        // each the same elevation, azimuth and C/N0 (gpsd reads them as whole numbers, as sent);
        // the used flag as our epoch hands it out.
        GpsdVerdict verdict = GpsdVerdict.Replay(capture);
        var found = new List<Disagreement>();
        int skies = 0, compared = 0;
        JsonElement? previousList = null;
        foreach (GpsdReport sky in verdict.Reports.Where(r => r.Class == "SKY" && !r.FollowsSynthetic))
        {
            if (!sky.Json.TryGetProperty("satellites", out JsonElement list))
            {
                continue;
            }

            skies++;
            List<JsonElement> gpsdSats = [.. list.EnumerateArray()];
            if (AppendedSkies.TryGetValue(capture, out int[]? lines) && lines.Contains(sky.Line))
            {
                // gpsd's list is its previous one with this set appended (see AppendedSkies):
                // check that, then compare what was appended.
                List<JsonElement> head = [.. previousList!.Value.EnumerateArray()];
                Assert.True(gpsdSats.Count > head.Count, $"{capture} chk line {sky.Line}: expected gpsd to append to its previous {head.Count} satellites");
                Assert.Equal(head.Select(s => s.GetRawText()), gpsdSats.Take(head.Count).Select(s => s.GetRawText()));
                found.Add(new Disagreement($"chk line {sky.Line}", "satellites", "previous list + this set", "this set"));
                gpsdSats = gpsdSats.Skip(head.Count).ToList();
            }

            previousList = list;
            Epoch? emitted = verdict.Emitted(sky.Current);
            Epoch? usedBefore = verdict.Epochs.LastOrDefault(e => e.Sequence < sky.Current.Sequence && e.HasUsedList);
            var gpsd = new Dictionary<(int, int, int), JsonElement>();
            foreach (JsonElement s in gpsdSats)
            {
                if (!s.TryGetProperty("svid", out JsonElement svid))
                {
                    found.Add(new Disagreement($"chk line {sky.Line} PRN {s.GetProperty("PRN")}", "satellite", "no gnssid/svid", "-"));
                    continue;
                }

                var key = (s.GetProperty("gnssid").GetInt32(), svid.GetInt32(), s.TryGetProperty("sigid", out JsonElement sig) ? sig.GetInt32() : 0);
                if (!gpsd.TryAdd(key, s))
                {
                    found.Add(new Disagreement($"chk line {sky.Line} {Name(key)}", "satellite", "twice", "once"));
                }
            }

            var ours = new Dictionary<(int, int, int), SkySatellite>();
            foreach (SkySatellite s in sky.Current.Satellites)
            {
                if (!ours.TryAdd(GpsdKey(s), s))
                {
                    found.Add(new Disagreement($"chk line {sky.Line} {Name(GpsdKey(s))}", "satellite", "once", "twice"));
                }
            }

            foreach ((int, int, int) key in gpsd.Keys.Union(ours.Keys).Order())
            {
                string where = $"chk line {sky.Line} {Name(key)}";
                bool inGpsd = gpsd.TryGetValue(key, out JsonElement g);
                if (!inGpsd || !ours.TryGetValue(key, out SkySatellite o))
                {
                    found.Add(new Disagreement(where, "seen", inGpsd ? "yes" : "no", inGpsd ? "no" : "yes"));
                    continue;
                }

                compared++;
                Compare(found, where, "el", GpsdReport.Number(g, "el"), o.Elevation, 0);
                Compare(found, where, "az", GpsdReport.Number(g, "az"), o.Azimuth, 0);
                Compare(found, where, "ss", GpsdReport.Number(g, "ss"), o.Cn0, 0);

                bool gpsdUsed = g.GetProperty("used").GetBoolean();
                bool used = emitted?.Satellites.ToArray().FirstOrDefault(x => x.Id == o.Id && x.Signal == o.Signal).Used ?? false;
                if (gpsdUsed != used)
                {
                    // See UsedFromPreviousCycle: gpsd's flag is the previous epoch's used list.
                    bool stale = UsedFromPreviousCycle.Contains(capture) && gpsdUsed == (usedBefore?.Used.Contains(o.Id) ?? false);
                    found.Add(new Disagreement(where, stale ? "used (previous cycle's)" : "used", gpsdUsed.ToString(), used.ToString()));
                }
            }
        }

        AssertAgree(capture, "satellites", found, $"{compared} satellites in {skies} SKY reports");
        if (verdict.Reports.Any(r => r.After.Contains("GSV,", StringComparison.Ordinal)))
        {
            Assert.True(skies > 0, $"{capture}: the capture has GSV but no gpsd SKY with satellites was compared");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void Decode_GpsdCapture_FileGivesTheReplayedEpochs(string capture)
    {
        // The tests above feed the sentences as gpsd framed them; `decode` reads the file with our
        // framer. Where the two framings part, the epochs differ, and the case is named here.
        GpsdVerdict verdict = GpsdVerdict.Replay(capture);
        List<Epoch> file = GpsdAgreementTests.DecodeFile(Path.Combine(Corpus.GpsdDirectory!, capture + ".log"), capture);
        Dictionary<DateTime, Epoch> fromFile = file.Where(e => e.UtcTime.HasValue).GroupBy(e => e.UtcTime!.Value).ToDictionary(g => g.Key, g => g.Last());
        var found = new List<Disagreement>();
        foreach ((DateTime t, Epoch replayed) in verdict.ByTime())
        {
            string where = t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            if (!fromFile.TryGetValue(t, out Epoch? e))
            {
                found.Add(new Disagreement(where, "epoch", "replayed", "none"));
            }
            else if (EpochText.Of(e) != EpochText.Of(replayed))
            {
                bool onlySky = EpochText.Of(e).Split(" sats")[0] == EpochText.Of(replayed).Split(" sats")[0];
                found.Add(onlySky
                    ? new Disagreement(where, "satellites", $"{replayed.SatelliteCount}", $"{e.SatelliteCount}")
                    : new Disagreement(where, "epoch", EpochText.Of(replayed), EpochText.Of(e)));
            }
        }

        AssertAgree(capture, "framing", found, $"{verdict.Epochs.Count} epochs");
    }

    // A named disagreement: capture, test group, field, where (time or chk line; a trailing * matches
    // any rest), gpsd's value and ours as the failure message prints them, and why.
    private sealed record GpsdCase(string Capture, string Group, string Field, string Where, string Gpsd, string Ours, string Reason)
    {
        public bool Matches(Disagreement d) => d.Field == Field && d.Gpsd == Gpsd && d.Ours == Ours
            && (Where.EndsWith('*') ? d.Where.StartsWith(Where[..^1], StringComparison.Ordinal) : d.Where == Where);
    }

    private sealed record Disagreement(string Where, string Field, string Gpsd, string Ours)
    {
        public override string ToString() => $"{Where}: {Field} gpsd {Gpsd} ours {Ours}";
    }

    // gpsd driver_nmea0183.c and libgpsd_core.c (ntpsec/gpsd 46977faa, the corpus' version) cited by function.
    private static readonly GpsdCase[] Cases =
    [
        new("triton400", "speed/track", "speed", "2013-04-01T03:01:30.000Z", "0.185", "none",
            "the Triton sends only GLL that second; gpsd makes a speed from the distance to the previous fix "
            + "(gpsd_error_model: earth_distance / deltatime). No sentence says 0.185: the RMCs around it say 0.00"),
        new("triton400", "mode/status", "mode", "2013-04-01T03:01:30.000Z", "3", "2",
            "GLL only, no altitude: gpsd keeps the previous fix's 3D (processGLL: 3D when the last fix had an altitude)"),
        new("telit-pls83-w", "mode/status", "mode", "2025-09-04T04:35:39.000Z", "3", "2",
            "the receiver's GSAs say fix type 2; gpsd will not go from 3D to 2D while it holds an altitude "
            + "(nmea_parse: \"don't downgrade mode if holding previous fix\")"),
        new("telit-pls83-w", "mode/status", "mode", "2025-09-04T04:35:4*", "3", "2",
            "as at 04:35:39: every GSA of the capture says 2; the altitude of a 2D fix is held, not measured"),
        new("telit-pls83-w", "climb", "climb", "2025-09-04T04:35:4*", "0", "none",
            "gpsd's climb rests on the 3D it kept against the receiver's 2D (see mode at 04:35:39); from 2D fixes there is none"),
        new("telit-pls83-w", "climb", "climb", "2025-09-04T04:35:44.000Z", "-0.1", "none", "as the other climbs of this capture"),
        new("skytraq-fixB", "climb", "climb", "2016-03-29T18:21:39.000Z", "0.07", "none",
            "the first fix has no fix before it; gpsd takes the up velocity of $PSTI,030 (SkyTraq proprietary, "
            + "not read here: processPSTI030 sets NED.velD, gpsd_error_model climb = -velD)"),
        new("skytraq-PX1172RH_DS", "climb", "climb", "2022-03-29T00:38:32.000Z", "0.02", "none", "as skytraq-fixB: $PSTI,030 up velocity"),
        new("quectelLC79D-1", "geoidSep/dgps", "geoidSep", "*", "39.633", "none",
            "the LC79D leaves GGA's separation empty; gpsd fills in its own geoid model (gpsd_error_model: wgs84_separation)"),
        new("bu353-glonass", "geoidSep/dgps", "geoidSep", "2014-05-26T08:14:11.000Z", "13.603", "none",
            "the capture starts after that second's GGA: no separation was sent; gpsd's own geoid model"),
        new("triton400", "geoidSep/dgps", "geoidSep", "2013-04-01T03:01:30.000Z", "-29.289", "none", "GLL only; gpsd's own geoid model"),
        new("ublox-f9p-hpnmea", "geoidSep/dgps", "dgpsSta", "*", "none", "278",
            "the F9P sends DGPS station 0278 with an empty age; gpsd takes age and station only together (processGGA: \"both, or neither\")"),
        new("beidou-bd", "DOP", "hdop", "chk line 83", "1.1", "1.3",
            "gpsd's hdop is from $PSRFEPE (SiRF proprietary, not read here) of the next second, which comes before that second's GGA"),
        new("quectelLC79D-1", "DOP", "pdop", "chk line 43", "1.41", "1.6",
            "gpsd's own geometry (fill_dop): its cycle start on RMC cleared the DOPs, no GSA has come since; the receiver's GSAs say 1.6"),
        new("quectelLC79D-1", "DOP", "vdop", "chk line 43", "1.16", "1.3", "as pdop: gpsd's geometry; the receiver says 1.3"),
        new("quectelLC79D-1", "DOP", "pdop", "chk line 46", "1.41", "1.6", "as at chk line 43"),
        new("quectelLC79D-1", "DOP", "vdop", "chk line 46", "1.16", "1.3", "as at chk line 43"),
        new("quectelLC79D-1", "satellites", "seen", "chk line 43 gnssid 2 *", "no", "yes",
            "ours: the capture starts mid-cycle; its first GAGSV sets belong to the cycle before, and stay in the first epoch "
            + "until this cycle's GAGSV (the next lines) replace them; gpsd starts its sky anew at the first GSV after another sentence"),
        new("isync", "satellites", "satellites", "chk line *", "previous list + this set", "this set", AppendedReason),
        new("gpsdf", "satellites", "used (previous cycle's)", "*", "False", "True", UsedReason),
        new("gpsdf", "satellites", "used (previous cycle's)", "*", "True", "False", UsedReason),
        new("quectelLC79D-1", "satellites", "used (previous cycle's)", "*", "False", "True", UsedReason),
        new("quectelLC79D-1", "satellites", "used (previous cycle's)", "*", "True", "False", UsedReason),
        new("triton400", "satellites", "used (previous cycle's)", "chk line 4 *", "False", "True", UsedReason),
        new("isync", "framing", "satellites", "2016-02-03T13:15:22.000Z", "15", "11",
            "ours: the iSync injected its $PTNTA into the middle of $GPGSV 4,1; gpsd sets the cut part aside and finishes it "
            + "after the $PTNTA (packet.c packet_stash/packet_unstash, the checksum then holds); our framer drops a sentence "
            + "cut by the next '$' (counted Truncated), and that second's sky lacks sentence 1's four satellites"),
        new("gp-320fw-2019-04-07-coldboot", "framing", "satellites", "2010-09-25T23:59:57.000Z", "0", "1",
            "ours: \"$GPGSV,3,2,11,25,32,097\" has no checksum; checksums are optional here (--require-checksum rejects it), "
            + "gpsd rejects every sentence without one (packet.c nmea_checksum: \"no asterisk found\")"),
    ];

    private const string AppendedReason =
        "a GSV set without its first sentence (the iSync drops it): gpsd clears its sky only at a sentence 1 after another "
        + "sentence (processGSV), so it appends this set to the previous one: satellites twice, the first time with the "
        + "previous second's values; ours has this set only";

    private const string UsedReason =
        "gpsd marks used from the GSA it saw last when the GSV comes (processGSV); these receivers send GSV before GSA, so "
        + "that is the previous cycle's list (none at the start): checked equal to our previous epoch's used list";

    // SKY reports (chk lines) where gpsd appended a GSV set to its previous list (AppendedReason).
    private static readonly Dictionary<string, int[]> AppendedSkies = new()
    {
        ["isync"] = [94, 114, 175, 195],
    };

    // Captures whose receivers send GSV before GSA in a cycle (UsedReason); triton400 only in its first,
    // partial cycle.
    private static readonly HashSet<string> UsedFromPreviousCycle = ["gpsdf", "quectelLC79D-1", "triton400"];

    private static void AssertAgree(string capture, string group, List<Disagreement> found, string compared)
    {
        GpsdCase[] cases = Cases.Where(c => c.Capture == capture && c.Group == group).ToArray();
        List<Disagreement> unexplained = found.Where(d => !cases.Any(c => c.Matches(d))).ToList();
        Assert.True(unexplained.Count == 0,
            $"{capture}: {unexplained.Count} {group} disagreements with gpsd in {compared}:\n" + string.Join("\n", unexplained.Take(40)));
        GpsdCase[] gone = cases.Where(c => !found.Any(c.Matches)).ToArray();
        Assert.True(gone.Length == 0, $"{capture}: named gpsd cases that no longer occur:\n" + string.Join("\n", gone.Select(c => c.ToString())));
    }

    // gpsd's last TPV of each fix time with our epoch of that time; every gpsd fix (mode 2 or 3 with a
    // time) must be among them.
    private static List<(GpsdReport Tpv, Epoch Epoch)> FixTimes(GpsdVerdict verdict, List<Disagreement> found)
    {
        List<(GpsdReport Tpv, Epoch Epoch)> pairs = verdict.LastTpvPerFixTime().ToList();
        var times = pairs.Select(p => p.Tpv.Time).ToHashSet();
        foreach (GpsdReport tpv in verdict.Reports.Where(r => r.Class == "TPV" && !r.FollowsSynthetic && r.Number("mode") >= 2 && r.Time.HasValue))
        {
            if (times.Add(tpv.Time))
            {
                found.Add(new Disagreement(TimeOf(tpv), "fix", "yes", "no epoch at that point of the stream"));
            }
        }

        return pairs;
    }

    // gpsd's numbering (u-blox gnssid): 0 GPS, 1 SBAS, 2 Galileo, 3 BeiDou, 5 QZSS, 6 GLONASS, 7 NavIC;
    // SBAS by PRN (120-158), GLONASS by slot, like ours.
    private static (int GnssId, int Svid, int SigId) GpsdKey(SkySatellite s)
    {
        int gnssid = s.Id.Constellation switch
        {
            Constellation.Gps => 0,
            Constellation.Sbas => 1,
            Constellation.Galileo => 2,
            Constellation.Beidou => 3,
            Constellation.Qzss => 5,
            Constellation.Glonass => 6,
            Constellation.Navic => 7,
            _ => -1,
        };

        return (gnssid, s.Id.Svid, GpsdSignal(s.Id.Constellation, s.Signal));
    }

    private static string Name((int GnssId, int Svid, int SigId) key) => $"gnssid {key.GnssId} svid {key.Svid} sigid {key.SigId}";

    // gpsd reports u-blox signal ids, translated from the NMEA signal id by nmea_to_ubx_table
    // (driver_nmea0183.c; row = the NMEA system of the sentence's talker, GP and GN naming none;
    // 99, no translation, reported as 0). Our epochs keep the raw NMEA id.
    private static readonly int[][] NmeaToUbx =
    [
        [0, 0, 99, 99, 99, 4, 3, 6, 7, 99, 99, 99],
        [0, 4, 99, 99, 99, 4, 3, 6, 7, 99, 99, 99],
        [0, 0, 99, 2, 99, 99, 99, 99, 99, 99, 99, 99],
        [0, 3, 5, 99, 10, 8, 0, 4, 99, 99, 99, 99],
        [0, 0, 2, 5, 0, 7, 99, 99, 4, 99, 99, 2],
        [0, 0, 99, 99, 1, 4, 5, 8, 9, 99, 99, 99],
        [0, 0, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99],
    ];

    private static int GpsdSignal(Constellation c, byte? signal)
    {
        // GPS, SBAS and QZSS come in $GPGSV in these captures: row 0 (gpsd sets no system for GP).
        int row = c switch
        {
            Constellation.Glonass => 2,
            Constellation.Galileo => 3,
            Constellation.Beidou => 4,
            Constellation.Navic => 6,
            _ => 0,
        };
        if (signal is not { } s || s >= NmeaToUbx[row].Length)
        {
            return 0;
        }

        int ubx = NmeaToUbx[row][s];
        return ubx == 99 ? 0 : ubx;
    }

    // gpsd's status codes (gps.h STATUS_*) from GGA quality, as processGGA maps them.
    private static int? GpsdStatus(Epoch e) => e.Quality switch
    {
        GgaQuality.NoFix => 0,
        GgaQuality.Autonomous => 1,
        GgaQuality.Differential => 2,
        GgaQuality.RtkFixed => 3,
        GgaQuality.RtkFloat => 4,
        GgaQuality.Estimated => 5,
        GgaQuality.Manual => 7,
        GgaQuality.Simulator => 8,
        GgaQuality.Pps => 9,
        _ => null,
    };

    // As gpsd_error_model: both fixes 3D with altitudes, time moved on; altitude above the
    // ellipsoid (MSL + separation; the separation cancels when the receiver sends the same one).
    private static double? Climb(Epoch? before, Epoch e)
    {
        if (before is null || before.Mode != FixMode.ThreeD || e.Mode != FixMode.ThreeD
            || before.AltitudeMsl is not { } a0 || e.AltitudeMsl is not { } a1)
        {
            return null;
        }

        double dt = (e.UtcTime!.Value - before.UtcTime!.Value).TotalSeconds;
        double h0 = a0 + (before.GeoidSeparation ?? 0);
        double h1 = a1 + (e.GeoidSeparation ?? 0);
        return dt > 0 ? (h1 - h0) / dt : null;
    }

    private static string TimeOf(GpsdReport report) => report.Json.GetProperty("time").GetString()!;

    private static void Compare(List<Disagreement> found, string where, string field, double? gpsd, double? ours, double tolerance)
    {
        if (gpsd.HasValue != ours.HasValue || (gpsd.HasValue && Math.Abs(gpsd!.Value - ours!.Value) > tolerance + 1e-9))
        {
            found.Add(new Disagreement(where, field, Show(gpsd), Show(ours)));
        }
    }

    private static int CompareWhereBoth(List<Disagreement> found, GpsdReport sky, string field, double? ours)
    {
        if (sky.Number(field) is not { } gpsd || ours is null)
        {
            return 0;
        }

        Compare(found, $"chk line {sky.Line}", field, gpsd, ours, 0.005);
        return 1;
    }

    private static string Show(double? v) => v?.ToString("R", CultureInfo.InvariantCulture) ?? "none";
}
