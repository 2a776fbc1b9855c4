using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Satellites;
using static BeidouHub.Simulator.Tests.SimulationTestData;

namespace BeidouHub.Simulator.Tests;

public class NmeaSimulatorTests
{
    private static readonly DateTime Start = SimulationProfiles.DefaultStart;

    [Theory]
    [InlineData(SimulationProfile.VehicleRtk)]
    [InlineData(SimulationProfile.HandheldBd)]
    [InlineData(SimulationProfile.Faults)]
    public void ToArray_SameSeedTwice_ByteIdenticalAndAnotherSeedDiffers(SimulationProfile profile)
    {
        TimeSpan d = TimeSpan.FromSeconds(30);
        byte[] a = SimulatedLog.ToArray(SimulationProfiles.Create(profile, Start, 7), d);
        byte[] b = SimulatedLog.ToArray(SimulationProfiles.Create(profile, Start, 7), d);
        byte[] c = SimulatedLog.ToArray(SimulationProfiles.Create(profile, Start, 8), d);

        Assert.True(a.AsSpan().SequenceEqual(b), "same seed, different bytes");
        Assert.False(a.AsSpan().SequenceEqual(c), "different seeds, same bytes");
        Assert.True(a.Length > 10_000);
    }

    [Fact]
    public void WriteEpoch_StaticRtkGate_ScatterAroundTheGateMatchesGstSigmas()
    {
        // The gate receiver stands still at the first waypoint of the park loop: the decoded positions'
        // scatter around it, in units of the GST sigmas each epoch reports, must be about 1.
        SimulatedReceiverOptions o = SimulationProfiles.Create(SimulationProfile.Gate, Start, 11) with { Outages = [] };
        (List<Epoch> epochs, _) = Decode(SimulatedLog.ToArray(o, TimeSpan.FromMinutes(10)));
        Waypoint gate = SimulationProfiles.ParkLoop[0];
        double mPerDegLat = 110_790, mPerDegLon = 111_320 * Math.Cos(gate.Latitude * Math.PI / 180);

        var zLat = new List<double>();
        var zLon = new List<double>();
        foreach (Epoch e in epochs.Where(e => e.Rtk == RtkState.Fixed))
        {
            zLat.Add((e.Latitude!.Value - gate.Latitude) * mPerDegLat / e.SigmaLatitude!.Value);
            zLon.Add((e.Longitude!.Value - gate.Longitude) * mPerDegLon / e.SigmaLongitude!.Value);
            Assert.InRange(e.SigmaLatitude!.Value, 0.003, 0.05); // RTK fixed: centimetres
        }

        Assert.True(zLat.Count > 500);
        Assert.InRange(Rms(zLat), 0.6, 1.5);
        Assert.InRange(Rms(zLon), 0.6, 1.5);
        Assert.True(zLat.Concat(zLon).All(z => Math.Abs(z) < 5), "an error beyond 5 sigma");
        Assert.All(epochs.Where(e => e.Rtk == RtkState.Float), e => Assert.InRange(e.SigmaLatitude!.Value, 0.05, 0.6));
        Assert.All(epochs.Where(e => e.Quality == GgaQuality.Autonomous), e => Assert.InRange(e.SigmaLatitude!.Value, 0.4, 5));
    }

    [Fact]
    public void WriteEpoch_GsaDops_MatchTheGeometryOfTheUsedSatellites()
    {
        // Recompute HDOP/VDOP from the GSV elevations and azimuths of the satellites GSA lists as used
        // (one receiver clock per constellation) and compare with what the receiver reports.
        (List<Epoch> epochs, _) = Decode(SimulatedLog.ToArray(SimulationProfiles.Create(SimulationProfile.Gate, Start, 3), TimeSpan.FromMinutes(2)));
        int checkedEpochs = 0;
        foreach (Epoch e in epochs.Where(e => e.HasSky && e.HasPosition))
        {
            var rows = new List<double[]>();
            foreach (SkySatellite s in e.Satellites)
            {
                if (s.Used && (s.Signal == 1))
                {
                    double el = s.Elevation!.Value * Math.PI / 180, az = s.Azimuth!.Value * Math.PI / 180;
                    bool gps = s.Id.Constellation == Constellation.Gps;
                    rows.Add([-Math.Cos(el) * Math.Sin(az), -Math.Cos(el) * Math.Cos(az), -Math.Sin(el), gps ? 1 : 0, gps ? 0 : 1]);
                }
            }

            Assert.Equal(e.UsedCount, rows.Count);
            double[,] q = Inverse(Normal(rows));
            double hdop = Math.Sqrt(q[0, 0] + q[1, 1]), vdop = Math.Sqrt(q[2, 2]);
            // GSV rounds angles to whole degrees: allow a few hundredths.
            Assert.InRange(e.Hdop!.Value, hdop - 0.04, hdop + 0.04);
            Assert.InRange(e.Vdop!.Value, vdop - 0.06, vdop + 0.06);
            checkedEpochs++;
        }

        Assert.True(checkedEpochs > 100);
    }

    [Fact]
    public void WriteEpoch_OverAnHour_SatellitesRiseAndSetAndCn0FollowsElevation()
    {
        (List<Epoch> epochs, _) = Decode(SimulatedLog.ToArray(SimulationProfiles.Create(SimulationProfile.Gate, Start, 5) with { Outages = [] }, TimeSpan.FromHours(1)));
        HashSet<SatelliteId> first = epochs[0].Satellites.ToArray().Select(s => s.Id).ToHashSet();
        HashSet<SatelliteId> last = epochs[^1].Satellites.ToArray().Select(s => s.Id).ToHashSet();

        Assert.Contains(last, id => !first.Contains(id)); // rose
        Assert.Contains(first, id => !last.Contains(id)); // set
        SkySatellite[] all = epochs.SelectMany(e => e.Satellites.ToArray()).Where(s => s.Signal == 1).ToArray();
        double high = all.Where(s => s.Elevation > 60).Average(s => s.Cn0!.Value);
        double low = all.Where(s => s.Elevation < 20).Average(s => s.Cn0!.Value);
        Assert.True(high - low > 8, $"C/N0 high {high:0.0} vs low {low:0.0}");
        Assert.All(all, s => Assert.InRange(s.Id.Svid, 1, 63));
    }

    [Fact]
    public void WriteEpoch_TruckOnTheLoop_StaysInTheParkAndStopsAtTheLoadingDock()
    {
        SimulatedReceiverOptions o = SimulationProfiles.Create(SimulationProfile.VehicleRtk, Start, 9, rateHz: 1) with { Outages = [] };
        (List<Epoch> epochs, _) = Decode(SimulatedLog.ToArray(o, TimeSpan.FromMinutes(6)));

        Assert.All(epochs, e => Assert.True(InPark(e)));
        Assert.InRange(epochs.Max(e => e.SpeedMps!.Value), 9.5, 10.5);
        Waypoint dock = SimulationProfiles.ParkLoop[3];
        List<Epoch> stopped = epochs.Where(e => e.SpeedMps < 0.1).ToList();
        Assert.InRange(stopped.Count, 30, 45); // two 20 s stops in 6 min of a ~3 min loop
        Assert.All(stopped, e => Assert.True(Math.Abs(e.Latitude!.Value - dock.Latitude) < 2e-6 && Math.Abs(e.Longitude!.Value - dock.Longitude) < 2e-6));
    }

    [Fact]
    public void Create_Fleet_DistinctReceiversWithTheirOwnSeedsAndPlaces()
    {
        var fleet = new SimulationOptions { Count = 20, RateHz = 5, Seed = 42 };
        IReadOnlyList<NmeaSimulator> receivers = SimulatedFleet.Create(fleet);

        Assert.Equal(20, receivers.Count);
        Assert.Equal(20, receivers.Select(r => r.Options.Name).Distinct().Count());
        Assert.Equal(20, receivers.Select(r => r.Options.Seed).Distinct().Count());
        Assert.Equal(2, receivers.Count(r => r.Options.SpeedMps == 0)); // every 10th is a gate
        Assert.All(receivers.Where(r => r.Options.SpeedMps > 0), r => Assert.True(r.Options.SpeedMps is (>= 3 and <= 4) or (>= 8 and <= 12)));
        var firstFixes = new HashSet<(double, double)>();
        foreach (NmeaSimulator r in receivers)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            for (int i = 0; i < 5; i++)
            {
                r.WriteEpoch(i, buffer);
            }

            (List<Epoch> epochs, _) = Decode(buffer.WrittenSpan.ToArray());
            Assert.Equal(5, epochs.Count);
            Assert.All(epochs, e => Assert.True(InPark(e)));
            firstFixes.Add((epochs[0].Latitude!.Value, epochs[0].Longitude!.Value));
        }

        Assert.Equal(20, firstFixes.Count);
        Assert.Equal(SimulatedFleet.ReceiverOptions(fleet, 3), SimulatedFleet.ReceiverOptions(fleet, 3)); // derived, not drawn at random
        Assert.NotEqual(SimulatedFleet.ReceiverOptions(fleet, 3).Seed, SimulatedFleet.ReceiverOptions(fleet with { Seed = 43 }, 3).Seed);
    }

    private static double Rms(List<double> values) => Math.Sqrt(values.Average(v => v * v));

    private static double[,] Normal(List<double[]> rows)
    {
        int n = rows[0].Length;
        var m = new double[n, n];
        foreach (double[] r in rows)
        {
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    m[i, j] += r[i] * r[j];
                }
            }
        }

        return m;
    }

    // Inverse by Gauss-Jordan on an augmented matrix: a second implementation, independent of the simulator's.
    private static double[,] Inverse(double[,] a)
    {
        int n = a.GetLength(0);
        var aug = new double[n, 2 * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                aug[i, j] = a[i, j];
            }

            aug[i, n + i] = 1;
        }

        for (int c = 0; c < n; c++)
        {
            int p = Enumerable.Range(c, n - c).MaxBy(r => Math.Abs(aug[r, c]));
            for (int k = 0; k < 2 * n; k++)
            {
                (aug[c, k], aug[p, k]) = (aug[p, k], aug[c, k]);
            }

            double d = aug[c, c];
            for (int k = 0; k < 2 * n; k++)
            {
                aug[c, k] /= d;
            }

            for (int r = 0; r < n; r++)
            {
                double f = aug[r, c];
                if (r != c)
                {
                    for (int k = 0; k < 2 * n; k++)
                    {
                        aug[r, k] -= f * aug[c, k];
                    }
                }
            }
        }

        var inv = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                inv[i, j] = aug[i, n + j];
            }
        }

        return inv;
    }
}
