using BeidouHub.Receiver.Workers;
using BeidouHub.Service.Hub;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BeidouHub.Service.Receivers;

/// <summary>
/// The service's health as grpc.health.v1 reports it. Healthy while the receivers run and none is
/// Faulted; Degraded (still SERVING over gRPC: the other receivers' positions flow) while some are
/// Faulted; Unhealthy (NOT_SERVING) before the receivers start, after shutdown begins, and when every
/// receiver is Faulted (no position can come). Disconnected or stale receivers do not count: a
/// device in the field that is off is not the service's failure, and ListReceivers shows them.
/// </summary>
internal sealed class ReceiversHealthCheck : IHealthCheck
{
    private readonly ReceiverHost _host;
    private readonly PositionHub _hub;

    public ReceiversHealthCheck(ReceiverHost host, PositionHub hub)
    {
        _host = host;
        _hub = hub;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Check());

    internal HealthCheckResult Check()
    {
        if (!_hub.Running)
        {
            return HealthCheckResult.Unhealthy("receivers not running");
        }

        List<string> faulted = _host.Workers.Where(w => w.State == ReceiverState.Faulted).Select(w => w.Id).ToList();
        if (faulted.Count == 0)
        {
            return HealthCheckResult.Healthy();
        }

        string which = $"{faulted.Count} of {_host.Workers.Count} receivers faulted: {string.Join(", ", faulted)}";
        return faulted.Count == _host.Workers.Count ? HealthCheckResult.Unhealthy(which) : HealthCheckResult.Degraded(which);
    }
}
