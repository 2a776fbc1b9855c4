using System.Threading.Channels;
using BeidouHub.Service.Configuration;
using BeidouHub.Service.Hub;

namespace BeidouHub.Service.Integrity;

/// <summary>
/// The integrity monitor as a hub subscriber: every complete position, through its own bounded
/// queue (drop-oldest, drops counted), into <see cref="IntegrityMonitor"/> on one task, and the
/// alerts back into the hub (<see cref="PositionHub.Publish(IntegrityAlert)"/>), from where
/// Positions.StreamAlerts, watch --alerts and the web console get them. Each start and end is
/// logged.
/// </summary>
internal sealed partial class IntegrityService : BackgroundService
{
    private readonly PositionHub _hub;
    private readonly IntegrityMonitor _monitor;
    private readonly Subscription<PositionUpdate> _positions;
    private readonly ILogger<IntegrityService> _logger;
    private long _dropped;

    public IntegrityService(IntegrityConfig config, PositionHub hub, ILogger<IntegrityService> logger)
    {
        _hub = hub;
        _logger = logger;
        _monitor = new IntegrityMonitor(config, Raise);

        // Subscribed here, not when the service starts, so the receivers' first epochs find it.
        // This node's receivers only: in a cluster each node watches what it reads (a monitor
        // of every receiver would pull the whole cluster's positions to every node).
        _positions = hub.SubscribePositions(new PositionFilter([], [], minRank: 0, maxRateHz: 0, early: false) { LocalOnly = true });
        _positions.Label = "integrity";
    }

    /// <summary>The monitor's thresholds; a configuration reload sets new ones (<see cref="Configuration.ConfigurationReload"/>).</summary>
    public IntegrityConfig Thresholds
    {
        get => _monitor.Config;
        set => _monitor.Config = value;
    }

    /// <summary>Positions the hub dropped for the monitor (it fell behind).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public override void Dispose()
    {
        _positions.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() => DrainAsync(stoppingToken), CancellationToken.None);

    private async Task DrainAsync(CancellationToken stoppingToken)
    {
        ChannelReader<PositionUpdate> reader = _positions.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                long dropped = _positions.TakeDropped();
                if (dropped > 0)
                {
                    Interlocked.Add(ref _dropped, dropped);
                }

                while (reader.TryRead(out PositionUpdate? update))
                {
                    _monitor.Observe(update);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        catch (Exception) when (_positions.EndReason is not null)
        {
            // The hub ended the stream: shutting down, or (a bug: the loop above never waits) the slow-subscriber rule.
            if (_positions.EndReason is SlowSubscriberException slow)
            {
                LogEnded(_logger, slow.Message);
            }
        }
    }

    private void Raise(IntegrityAlert alert)
    {
        _hub.Publish(alert);
        if (alert.End is null)
        {
            LogStarted(_logger, alert.Id, alert.Message);
        }
        else
        {
            LogEndedAlert(_logger, alert.Id, alert.Message);
        }
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "alert {Id}: {Message}")]
    private static partial void LogStarted(ILogger logger, string id, string message);

    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "alert {Id} ended: {Message}")]
    private static partial void LogEndedAlert(ILogger logger, string id, string message);

    [LoggerMessage(EventId = 702, Level = LogLevel.Error, Message = "integrity monitor ended by the hub: {Reason}")]
    private static partial void LogEnded(ILogger logger, string reason);
}

/// <summary>The integrity monitor's services, when <c>BeidouHub:Integrity:Enabled</c>.</summary>
internal static class IntegritySetup
{
    public static void Add(IServiceCollection services, BeidouHubOptions options)
    {
        if (!options.Integrity.Enabled)
        {
            return;
        }

        services.AddSingleton(sp => new IntegrityService(options.Integrity, sp.GetRequiredService<PositionHub>(), sp.GetRequiredService<ILogger<IntegrityService>>()));
        services.AddHostedService(sp => sp.GetRequiredService<IntegrityService>());
    }
}
