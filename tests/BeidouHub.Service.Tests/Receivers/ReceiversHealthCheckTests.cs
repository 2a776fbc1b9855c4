using BeidouHub.Receiver.Workers;
using BeidouHub.Service.Hub;
using BeidouHub.Service.Receivers;
using BeidouHub.Service.Tests.Api;
using BeidouHub.Service.Tests.Support;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace BeidouHub.Service.Tests.Receivers;

/// <summary>
/// What grpc.health.v1 says (Healthy and Degraded are SERVING, Unhealthy NOT_SERVING): faulted
/// receivers degrade the service, all of them faulted take it down; lost devices do not count.
/// </summary>
public class ReceiversHealthCheckTests
{
    private static readonly byte[] Track = PositionsServiceTests.Track(27.8280);

    [Fact]
    public async Task Check_NoReceiverFaulted_Healthy()
    {
        using ReceiverHost host = ReceiverHostTests.Host(new FakeTimeProvider(), new ListLoggerProvider(), out PositionHub hub,
            ("a", new ScriptedSource("a", (Track, null))), ("b", new ScriptedSource("b", (Track[..100], new IOException("unplugged (test)")))));
        var check = new ReceiversHealthCheck(host, hub);
        Assert.Equal(HealthStatus.Unhealthy, check.Check().Status); // not started yet

        await host.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.True(() => host.Workers[1].State == ReceiverState.Disconnected, "b is lost");

            HealthCheckResult result = check.Check();

            Assert.Equal(HealthStatus.Healthy, result.Status);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Check_OneOfTwoFaulted_DegradedNamingIt()
    {
        using ReceiverHost host = ReceiverHostTests.Host(new FakeTimeProvider(), new ListLoggerProvider(), out PositionHub hub,
            ("a", new ScriptedSource("a", (Track, null))), ("b", new ScriptedSource("b", (Track[..100], new InvalidOperationException("bug (test)")))));
        var check = new ReceiversHealthCheck(host, hub);
        await host.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.True(() => host.Workers[1].State == ReceiverState.Faulted, "b faults");

            HealthCheckResult result = check.Check();

            Assert.Equal(HealthStatus.Degraded, result.Status);
            Assert.Equal("1 of 2 receivers faulted: b", result.Description);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Check_EveryReceiverFaulted_Unhealthy()
    {
        using ReceiverHost host = ReceiverHostTests.Host(new FakeTimeProvider(), new ListLoggerProvider(), out PositionHub hub,
            ("a", new ScriptedSource("a", ([], new InvalidOperationException("bug (test)")))), ("b", new ScriptedSource("b", ([], new FormatException("bug (test)")))));
        var check = new ReceiversHealthCheck(host, hub);
        await host.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.True(() => host.Workers.All(w => w.State == ReceiverState.Faulted), "both fault");

            HealthCheckResult result = check.Check();

            Assert.Equal(HealthStatus.Unhealthy, result.Status);
            Assert.Equal("2 of 2 receivers faulted: a, b", result.Description);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}
