using BeidouHub.Service.Integrity;
using BeidouHub.Simulator;
using Xunit.Abstractions;

namespace BeidouHub.Service.Tests.Integrity;

/// <summary>
/// The monitor on simulated epochs through the real decoder, as fast as they compute: each
/// incident profile raises its alert once, with a start and an end; an honest fleet raises none.
/// </summary>
public class IntegrityMonitorTests(ITestOutputHelper output)
{
    private static readonly TimeSpan At = SimulationProfiles.IncidentAt;

    [Fact]
    public void Observe_FleetJammedAtOnce_RaisesOneParkJammingAlertWithStartAndEnd()
    {
        var park = new SimulatedPark(new IntegrityConfig(), SimulatedPark.Fleet(10, 7, o => SimulationProfiles.WithIncident(o, SimulationProfile.Jam, At, TimeSpan.FromSeconds(40))));
        park.Run(TimeSpan.FromMinutes(3));

        IntegrityAlert alert = OnlyAlert(park, AlertKind.Jamming, out IntegrityAlert end);
        Assert.True(alert.ParkWide);
        Assert.Equal(AlertSeverity.Critical, alert.Severity);
        DateTime start = SimulationProfiles.DefaultStart + At;
        Assert.InRange(alert.Start, start, start.AddSeconds(2));
        Assert.True(alert.Receivers.Count >= 3, string.Join(",", alert.Receivers));
        Assert.Equal(10, end.Receivers.Count); // every receiver was jammed, and joined
        Assert.InRange(end.End!.Value, start.AddSeconds(40), start.AddSeconds(100));
    }

    [Fact]
    public void Observe_FleetSpoofedAtOnce_RaisesOneParkSpoofingAlertWithStartAndEnd()
    {
        // The gate receivers of the fleet (every 10th) are references at their surveyed points.
        var config = new IntegrityConfig { References = References(20) };
        var park = new SimulatedPark(config, SimulatedPark.Fleet(20, 8, o => SimulationProfiles.WithIncident(o, SimulationProfile.Spoof, At, TimeSpan.FromSeconds(20))));
        park.Run(TimeSpan.FromMinutes(3));

        IntegrityAlert alert = OnlyAlert(park, AlertKind.Spoofing, out IntegrityAlert end);
        Assert.True(alert.ParkWide);
        DateTime start = SimulationProfiles.DefaultStart + At;
        Assert.InRange(alert.Start, start, start.AddSeconds(2));
        Assert.Equal(20, end.Receivers.Count);
        Assert.Contains("sim-0010", end.Receivers);
        Assert.InRange(end.End!.Value, start.AddSeconds(20), start.AddSeconds(90));
    }

    [Fact]
    public void Observe_ReceiverLosesCorrections_RaisesRtkLostAndCorrectionAgeOnceEach()
    {
        SimulatedReceiverOptions truck = SimulationProfiles.Create(SimulationProfile.LoseRtk, SimulationProfiles.DefaultStart, seed: 3);
        var park = new SimulatedPark(new IntegrityConfig(), [truck]);
        park.Run(TimeSpan.FromMinutes(2));

        Assert.Equal(4, park.Alerts.Count);
        DateTime start = SimulationProfiles.DefaultStart + At;
        IntegrityAlert rtk = OnlyAlert(park, AlertKind.RtkFixedLost, out IntegrityAlert rtkEnd);
        Assert.False(rtk.ParkWide);
        Assert.Equal(["lose-rtk"], rtk.Receivers);
        Assert.InRange(rtk.Start, start.AddSeconds(5), start.AddSeconds(6)); // fixed on old corrections for 5 s
        Assert.InRange(rtkEnd.End!.Value, start.AddSeconds(40), start.AddSeconds(60));
        IntegrityAlert age = OnlyAlert(park, AlertKind.CorrectionAge, out IntegrityAlert ageEnd);
        Assert.InRange(age.Start, start.AddSeconds(8), start.AddSeconds(11)); // the age passes 10 s
        Assert.True(ageEnd.End > age.Start);
    }

    [Fact]
    public void Observe_OneReceiverJammed_RaisesItsOwnAlertsNotAParkOne()
    {
        SimulatedReceiverOptions truck = SimulationProfiles.Create(SimulationProfile.Jam, SimulationProfiles.DefaultStart, seed: 4);
        var park = new SimulatedPark(new IntegrityConfig(), [.. SimulatedPark.Fleet(5, 9), truck]);
        park.Run(TimeSpan.FromMinutes(2));

        Assert.DoesNotContain(park.Alerts, a => a.ParkWide);
        IntegrityAlert cn0 = OnlyAlert(park, AlertKind.Cn0Collapse, out _);
        Assert.Equal(["jam"], cn0.Receivers);
        Assert.All(park.Alerts, a => Assert.Equal(["jam"], a.Receivers));
    }

    [Fact]
    public void Observe_HonestFleetForAnHour_RaisesNone()
    {
        // 20 receivers (trucks, forklifts, two static references) and a handheld with autonomous
        // metre-level noise, an hour each at 1 Hz: 21 receiver-hours, 75,600 epochs.
        var config = new IntegrityConfig { References = References(20) };
        SimulatedReceiverOptions walker = SimulationProfiles.Create(SimulationProfile.HandheldBd, SimulationProfiles.DefaultStart, seed: 11) with { Outages = [] };
        var park = new SimulatedPark(config, [.. SimulatedPark.Fleet(20, 5), walker]);
        park.Run(TimeSpan.FromHours(1));

        output.WriteLine($"{park.Monitor.Observed} epochs of 21 receivers over 1 h: {park.Monitor.Raised} alerts");
        Assert.Equal(75_600 - 21, park.Monitor.Observed, tolerance: 21.0);
        Assert.Empty(park.Alerts.Select(a => a.Message));
    }

    [Fact]
    public void Observe_AccuracySwingsAroundTheLimit_OneAlertNotAFlap()
    {
        // Sigma 6 m (over the 5 m limit) for 10 s, then 4.5 m for 12 s and 5.5 m for 4 s, five
        // times (around the limit, never back under 80 % of it), then 1 m: one alert. Without the
        // 80 % band it would end after each 12 s and come back after each 4 s.
        var alerts = new List<IntegrityAlert>();
        var monitor = new IntegrityMonitor(new IntegrityConfig(), alerts.Add);
        var sigmas = new List<double>();
        sigmas.AddRange(Enumerable.Repeat(6.0, 10));
        for (int i = 0; i < 5; i++)
        {
            sigmas.AddRange(Enumerable.Repeat(4.5, 12));
            sigmas.AddRange(Enumerable.Repeat(5.5, 4));
        }

        sigmas.AddRange(Enumerable.Repeat(1.0, 20));
        DateTime t0 = SimulationProfiles.DefaultStart;
        for (int i = 0; i < sigmas.Count; i++)
        {
            DateTime t = t0.AddSeconds(i);
            double axis = sigmas[i] / Math.Sqrt(2);
            monitor.Observe(new Service.Hub.PositionUpdate
            {
                ReceiverId = "forklift-1", Sequence = i + 1, Complete = true, Time = t, PublishedAt = new DateTimeOffset(t).AddMilliseconds(30),
                Latitude = 27.86, Longitude = 113.17, SpeedMps = 0, SigmaLatitude = axis, SigmaLongitude = axis,
                UsedPerConstellation = [12, 0, 0, 10, 0, 0, 0, 0], Satellites = [], Zones = [],
            });
        }

        Assert.Equal([(AlertKind.Accuracy, false), (AlertKind.Accuracy, true)], alerts.Select(a => (a.Kind, a.End is not null)));
        Assert.Equal(t0, alerts[0].Start);
        Assert.Equal(t0.AddSeconds(10 + (5 * 16)), alerts[1].End);
    }

    // The fleet's static receivers (index 9, 19, ...) where SimulatedFleet puts them: on a waypoint of the loop.
    private static List<ReferenceConfig> References(int count) =>
        [.. Enumerable.Range(0, count).Where(i => i % 10 == 9).Select(i =>
        {
            Waypoint w = SimulationProfiles.ParkLoop[i / 10 % SimulationProfiles.ParkLoop.Count];
            return new ReferenceConfig { Receiver = $"sim-{i + 1:0000}", Latitude = w.Latitude, Longitude = w.Longitude };
        })];

    // The one alert of this kind: its start event (asserted to be the only one) and its end.
    private static IntegrityAlert OnlyAlert(SimulatedPark park, AlertKind kind, out IntegrityAlert end)
    {
        string all = string.Join("\n", park.Alerts.Select(a => $"{(a.End is null ? "start" : "end")} {a.Id} {a.Message}"));
        IntegrityAlert[] starts = [.. park.Alerts.Where(a => a.Kind == kind && a.End is null)];
        IntegrityAlert[] ends = [.. park.Alerts.Where(a => a.Kind == kind && a.End is not null)];
        Assert.True(starts.Length == 1 && ends.Length == 1, $"one {kind} start and end expected; alerts:\n{all}");
        Assert.Equal(starts[0].Id, ends[0].Id);
        Assert.True(ends[0].End > starts[0].Start);
        end = ends[0];
        if (starts[0].ParkWide)
        {
            Assert.Equal(2, park.Alerts.Count); // folded: nothing per receiver
        }

        return starts[0];
    }
}
