using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Satellites;
using static BeidouHub.Simulator.Tests.SimulationTestData;

namespace BeidouHub.Simulator.Tests;

/// <summary>What decode makes of each committed seed in seeds/: plausible, self-consistent receiver output.</summary>
public class SeedFileTests
{
    [Theory]
    [MemberData(nameof(Seeds), MemberType = typeof(SimulationTestData))]
    public void Decode_Seed_EveryFixInsideThePark(string name)
    {
        (List<Epoch> epochs, _) = Decode(File.ReadAllBytes(SeedPath(name)));

        List<Epoch> fixes = epochs.Where(e => e.HasPosition).ToList();
        Assert.True(fixes.Count >= epochs.Count * 0.9, $"{name}: only {fixes.Count} of {epochs.Count} epochs have a fix");
        Assert.All(fixes, e => Assert.True(InPark(e), $"{name}: {e.UtcTime:O} at {e.Latitude}, {e.Longitude} is outside the park box"));
    }

    [Theory]
    [MemberData(nameof(Seeds), MemberType = typeof(SimulationTestData))]
    public void Decode_Seed_UsedSatellitesAreInViewAndCountsAgreeBetweenGsaAndGga(string name)
    {
        (List<Epoch> epochs, _) = Decode(File.ReadAllBytes(SeedPath(name)));
        int skyEpochs = 0;
        foreach (Epoch e in epochs.Where(e => e.HasPosition))
        {
            // GGA numSV counts every used satellite; the GSA lists (one per constellation) name them.
            if (e.SatellitesUsedReported is { } reported && e.HasUsedList)
            {
                Assert.True(reported == e.UsedCount, $"{name} {e.UtcTime:O}: GGA says {reported} used, GSA lists {e.UsedCount}");
                Assert.Equal(e.UsedCount, e.UsedIn(Constellation.Gps) + e.UsedIn(Constellation.Beidou));
                Assert.True(e.UsedIn(Constellation.Beidou) >= 4, $"{name} {e.UtcTime:O}: {e.UsedIn(Constellation.Beidou)} BeiDou used");
            }

            if (!e.HasSky)
            {
                continue;
            }

            skyEpochs++;
            foreach (SatelliteId u in e.Used)
            {
                SkySatellite? s = Find(e, u.Constellation, u.Svid);
                Assert.True(s is not null, $"{name} {e.UtcTime:O}: used {u} is not in view");
                Assert.True(s!.Value.Elevation >= 10, $"{name} {e.UtcTime:O}: used {u} below the 10 deg mask");
                Assert.True(s.Value.Cn0 is not null, $"{name} {e.UtcTime:O}: used {u} has no C/N0");
            }

            Assert.Contains(e.Satellites.ToArray(), s => !s.Used); // the mask leaves some in view unused
        }

        Assert.True(skyEpochs >= 50, $"{name}: only {skyEpochs} epochs with a sky");
    }

    [Theory]
    [InlineData("park-vehicle-rtk-10hz.nmea")]
    [InlineData("park-gate-outage.nmea")]
    [InlineData("park-handheld-bd-walk.nmea")]
    public void Decode_Seed_NoFixExactlyInTheHeaderOutages(string name)
    {
        string path = SeedPath(name);
        List<(double Start, double End)> outages = HeaderOutages(path);
        (List<Epoch> epochs, _) = Decode(File.ReadAllBytes(path));
        DateTime start = epochs[0].UtcTime!.Value;

        Assert.NotEmpty(outages);
        foreach (Epoch e in epochs)
        {
            double t = (e.UtcTime!.Value - start).TotalSeconds;
            bool inOutage = outages.Any(o => t >= o.Start - 1e-6 && t < o.End - 1e-6);
            Assert.True(inOutage != e.HasPosition, $"{name} +{t}s: outage {inOutage}, position {e.HasPosition}");
            if (inOutage)
            {
                Assert.Equal(GgaQuality.NoFix, e.Quality);
                Assert.Equal(FixMode.NoFix, e.Mode);
            }
        }
    }

    [Theory]
    [InlineData("park-vehicle-rtk-10hz.nmea")]
    [InlineData("park-gate-outage.nmea")]
    public void Decode_RtkSeed_AutonomousThenFloatThenFixedAfterStartAndEveryOutage(string name)
    {
        string path = SeedPath(name);
        (List<Epoch> epochs, _) = Decode(File.ReadAllBytes(path));
        DateTime start = epochs[0].UtcTime!.Value;
        var recoveries = new List<double> { 0 };
        recoveries.AddRange(HeaderOutages(path).Select(o => o.End));

        foreach (double from in recoveries)
        {
            // The quality sequence after each recovery, collapsed to its runs, up to the next outage.
            var runs = new List<GgaQuality>();
            foreach (Epoch e in epochs.Where(e => (e.UtcTime!.Value - start).TotalSeconds >= from - 1e-6))
            {
                if (!e.HasPosition)
                {
                    break;
                }

                if (runs.Count == 0 || runs[^1] != e.Quality)
                {
                    runs.Add(e.Quality!.Value);
                }
            }

            Assert.Equal([GgaQuality.Autonomous, GgaQuality.RtkFloat, GgaQuality.RtkFixed], runs);
        }

        // RTK epochs carry the correction age and the station id; autonomous ones do not.
        Assert.All(epochs.Where(e => e.Rtk != RtkState.None), e =>
        {
            Assert.InRange(e.DiffAge!.Value, 0.2, 1.5);
            Assert.Equal(101, e.DiffStation);
        });
        Assert.All(epochs.Where(e => e.Quality == GgaQuality.Autonomous), e => Assert.Null(e.DiffAge));
    }

    [Fact]
    public void Decode_VehicleSeed_GeoSatellitesStandStillWhileMeoSatellitesMove()
    {
        (List<Epoch> epochs, _) = Decode(File.ReadAllBytes(SeedPath("park-vehicle-rtk-10hz.nmea")));
        List<Epoch> skies = epochs.Where(e => e.HasSky).ToList();
        Epoch first = skies[0], last = skies[^1];
        Assert.True((last.UtcTime!.Value - first.UtcTime!.Value).TotalSeconds >= 299);

        int geos = 0, meos = 0;
        foreach (SkySatellite a in first.Satellites)
        {
            if (a.Id.Constellation != Constellation.Beidou || Find(last, a.Id.Constellation, a.Id.Svid) is not { } b)
            {
                continue;
            }

            double moved = SkyAngle(a.Elevation!.Value, a.Azimuth!.Value, b.Elevation!.Value, b.Azimuth!.Value);
            int svid = a.Id.Svid;
            if (svid is <= 5 or >= 59)
            {
                // BeiDou GEO (C01-C05 BDS-2, C59-C61 BDS-3): fixed in the southern sky.
                geos++;
                Assert.True(moved <= 0.5, $"GEO C{svid:00} moved {moved:0.00} deg in 5 min");
                Assert.InRange(a.Azimuth!.Value, 90, 270);
            }
            else if (svid is >= 19 and <= 46 and not (>= 38 and <= 40))
            {
                // BDS-3 MEO: about 2 revolutions a day, visibly moving within minutes.
                meos++;
                Assert.True(moved > 0.5, $"MEO C{svid:00} moved only {moved:0.00} deg in 5 min");
            }
        }

        Assert.True(geos >= 5, $"{geos} GEO satellites compared");
        Assert.True(meos >= 5, $"{meos} MEO satellites compared");
    }

    [Fact]
    public void Decode_VehicleSeed_BeidouAbove32AndBothSignalsReported()
    {
        (List<Epoch> epochs, _) = Decode(File.ReadAllBytes(SeedPath("park-vehicle-rtk-10hz.nmea")));
        Epoch sky = epochs.First(e => e.HasSky);
        SkySatellite[] beidou = sky.Satellites.ToArray().Where(s => s.Id.Constellation == Constellation.Beidou).ToArray();

        Assert.Contains(beidou, s => s.Id.Svid > 32);
        Assert.Contains(beidou, s => s.Signal == 1);
        Assert.Contains(beidou, s => s.Signal == 5);
        // B2a is a BDS-3 signal: never on BDS-2 satellites (C01-C16).
        Assert.DoesNotContain(beidou, s => s.Signal == 5 && s.Id.Svid <= 16);
        Assert.Contains(sky.Satellites.ToArray(), s => s.Id.Constellation == Constellation.Gps && s.Signal == 7);
    }

    [Fact]
    public void Decode_HandheldSeed_BdTalkerAutonomousSignalZero()
    {
        (List<Epoch> epochs, var decoder) = Decode(File.ReadAllBytes(SeedPath("park-handheld-bd-walk.nmea")));

        Assert.Equal(600, epochs.Count);
        Assert.True(decoder.Statistics.OfTalker(BeidouHub.Receiver.Nmea.Talker.Bd) > 600);
        Assert.Equal(0, decoder.Statistics.OfTalker(BeidouHub.Receiver.Nmea.Talker.Gb));
        Assert.All(epochs.Where(e => e.HasPosition), e => Assert.Equal(GgaQuality.Autonomous, e.Quality));
        Assert.All(epochs.Where(e => e.HasSky).SelectMany(e => e.Satellites.ToArray()), s => Assert.Equal((byte)0, s.Signal));
        // Walking pace.
        Assert.InRange(epochs.Where(e => e.SpeedMps is > 0.5).Average(e => e.SpeedMps!.Value), 1.0, 1.6);
    }

    [Fact]
    public void Decode_FaultsSeed_EachFaultCountedAndTheRestDecoded()
    {
        (List<Epoch> epochs, var decoder) = Decode(File.ReadAllBytes(SeedPath("park-faults.nmea")));
        var f = decoder.Framer.Counters;

        // 60 epochs, faults at epochs 2, 7, ..., 57: each of the six kinds twice (seeds/README.md).
        Assert.Equal(60, epochs.Count);
        Assert.Equal(2, decoder.Statistics.ChecksumFailures);
        Assert.Equal(2, f.Truncated);
        Assert.Equal(2, f.DoubledStarts);
        Assert.Equal(2, f.Overlong);
        // Two runs of 16 NULs and two UBX MON-HW frames (8 + 60 bytes); MON's class byte 0x0A is a line
        // feed in ASCII, so a few header bytes of each frame count as a line end rather than garbage.
        Assert.InRange(f.GarbageBytes, (2 * 16) + (2 * 60), (2 * 16) + (2 * (8 + 60)));
        Assert.All(epochs, e => Assert.True(e.HasPosition && InPark(e), $"{e.UtcTime:O}"));
        Assert.Contains(epochs, e => e.Rtk == RtkState.Fixed);
    }
}
