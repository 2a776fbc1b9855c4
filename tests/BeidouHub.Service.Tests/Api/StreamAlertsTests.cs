using BeidouHub.Protocol.V1;
using IntegrityAlert = BeidouHub.Service.Integrity.IntegrityAlert;
using BeidouHub.Service.Security;
using BeidouHub.Service.Tests.Security;
using BeidouHub.Service.Tests.Support;
using BeidouHub.Testing;
using DomainAlertKind = BeidouHub.Service.Integrity.AlertKind;
using DomainSeverity = BeidouHub.Service.Integrity.AlertSeverity;
using ProtoAlertKind = BeidouHub.Protocol.V1.AlertKind;

namespace BeidouHub.Service.Tests.Api;

/// <summary>Positions.StreamAlerts on the real service with real gRPC clients.</summary>
public class StreamAlertsTests
{
    [Fact]
    public async Task StreamAlerts_SimulatedFleetJammed_ClientSeesOneParkJammingAlert()
    {
        // Four simulated receivers in real time, jammed together 6 s after they open, for longer than the test.
        await using ServiceFixture service = await ServiceFixture.StartAsync(
            "--BeidouHub:Integrity:Enabled=true",
            "--BeidouHub:Receivers:0:Id=park", "--BeidouHub:Receivers:0:Source=sim://?fleet=4&profile=jam&at=6&for=600&rate=1");
        var client = new Positions.PositionsClient(service.Channel);
        using var live = new StreamCollector<AlertEvent>(c => client.StreamAlerts(new StreamAlertsRequest(), cancellationToken: c));

        await Eventually.True(() => live.Items.Any(e => e.Alert.Kind == ProtoAlertKind.Jamming), $"a jamming alert ({service.Status})", seconds: 60);

        AlertEvent started = Assert.Single(live.Items);
        Assert.Equal(AlertEventKind.Started, started.Kind);
        Assert.True(started.Alert.ParkWide);
        Assert.Equal(AlertSeverity.Critical, started.Alert.Severity);
        Assert.Null(started.Alert.EndTime);
        Assert.InRange(started.Alert.ReceiverIds.Count, 3, 4);
        Assert.All(started.Alert.ReceiverIds, id => Assert.StartsWith("park-", id, StringComparison.Ordinal));
        Assert.Contains("jamming", started.Alert.Message, StringComparison.Ordinal);

        // A client that comes later gets it first, as open.
        using var later = new StreamCollector<AlertEvent>(c => client.StreamAlerts(new StreamAlertsRequest(), cancellationToken: c));
        await Eventually.True(() => later.Count >= 1, "the open alert");
        AlertEvent open = later.Items[0];
        Assert.Equal((AlertEventKind.Open, started.Alert.Id), (open.Kind, open.Alert.Id));
    }

    [Fact]
    public async Task StreamAlerts_ScopedApplication_SeesOnlyItsReceiversAndParkAlertsNarrowed()
    {
        (string key, string hash) = ApiKey.Generate();
        await using ServiceFixture service = await ServiceFixture.StartAsync(
            [.. Credentials.Application(0, "logistics", [hash], receivers: ["truck-*"], rpcs: ["positions"], coordinates: ["geodetic"])]);
        var start = new DateTime(2026, 12, 5, 2, 0, 0, DateTimeKind.Utc);
        var openBefore = new IntegrityAlert("rtk-fixed-lost/truck-9/1", DomainAlertKind.RtkFixedLost, DomainSeverity.Warning, false, start, null, ["truck-9"], "truck-9: RTK fixed lost");
        service.Hub.Publish(openBefore);
        service.Hub.Publish(openBefore with { Id = "rtk-fixed-lost/gate-1/1", Receivers = ["gate-1"], Message = "gate-1: RTK fixed lost" });

        var client = new Positions.PositionsClient(service.Channel);
        using var alerts = new StreamCollector<AlertEvent>(c => client.StreamAlerts(new StreamAlertsRequest(), Credentials.Bearer(key), cancellationToken: c));
        await Eventually.True(() => alerts.Count >= 1, "the open alert in scope");

        var jam = new IntegrityAlert("jamming/park/1", DomainAlertKind.Jamming, DomainSeverity.Critical, true, start, null, ["gate-1", "truck-1", "truck-2"], "park: jamming");
        service.Hub.Publish(jam with { Id = "cn0-collapse/gate-2/1", Kind = DomainAlertKind.Cn0Collapse, ParkWide = false, Receivers = ["gate-2"] });
        service.Hub.Publish(jam);
        service.Hub.Publish(jam with { End = start.AddMinutes(1) });
        await Eventually.True(() => alerts.Count >= 3, "the jamming alert's start and end");
        await Task.Delay(200); // let a wrongly passed gate alert arrive

        Assert.Equal(
            [(AlertEventKind.Open, "rtk-fixed-lost/truck-9/1"), (AlertEventKind.Started, "jamming/park/1"), (AlertEventKind.Ended, "jamming/park/1")],
            alerts.Items.Select(e => (e.Kind, e.Alert.Id)));
        Assert.All(alerts.Items.Skip(1), e => Assert.Equal(["truck-1", "truck-2"], e.Alert.ReceiverIds));
        Assert.Equal(start.AddMinutes(1), alerts.Items[2].Alert.EndTime.ToDateTime());
    }
}
