using BeidouHub.Receiver.Workers;
using BeidouHub.Service.Cluster;
using BeidouHub.Service.Configuration;
using BeidouHub.Service.Hub;
using Microsoft.Extensions.Options;

namespace BeidouHub.Service.Receivers;

/// <summary>
/// Runs one <see cref="ReceiverWorker"/> per configured receiver (each on its own, so a receiver
/// that fails affects no other), and logs a one-line summary at an interval. In a cluster, a
/// receiver every node can open runs only while this node holds its lease
/// (<see cref="ReceiverLeases"/>), and stands by otherwise.
/// </summary>
internal sealed partial class ReceiverHost : BackgroundService
{
    private readonly List<ReceiverWorker> _workers;
    private readonly List<TimeSpan> _backoffCaps;
    private readonly PositionHub _hub;
    private readonly TimeProvider _time;
    private readonly ILogger<ReceiverHost> _logger;
    private readonly TimeSpan _summaryInterval;
    private readonly List<EpochPublisher> _publishers;
    private readonly ReceiverLeases? _leases;
    private readonly bool[] _shared;
    private readonly bool[] _held;
    private readonly Dictionary<string, int> _index;

    public ReceiverHost(IEnumerable<ReceiverPlan> plans, GeoPipeline geo, PositionHub hub, IOptions<BeidouHubOptions> options, TimeProvider time, ILoggerFactory loggers, ReceiverLeases? leases = null)
    {
        _leases = leases;
        _hub = hub;
        _time = time;
        _logger = loggers.CreateLogger<ReceiverHost>();
        _summaryInterval = options.Value.SummaryInterval;
        ILogger workerLog = loggers.CreateLogger<ReceiverWorker>();
        List<ReceiverPlan> list = [.. plans];
        _publishers = list.Select(_ => new EpochPublisher(hub, geo)).ToList();
        _workers = list.Select((p, i) => new ReceiverWorker(p.Options, p.Source, _publishers[i], workerLog, time)).ToList();
        _backoffCaps = list.Select(p => p.Options.BackoffCap).ToList();
        _shared = list.Select(p => leases is not null && ReceiverLeases.Shared(p.Options.Source)).ToArray();
        _held = new bool[list.Count];
        _index = list.Select((p, i) => (p.Options.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
    }

    public IReadOnlyList<ReceiverWorker> Workers => _workers;

    /// <summary>
    /// Whether this node reads the receiver now: one of its own that is not shared, or a shared
    /// one whose lease it holds. False for a receiver this node stands by for, or does not have.
    /// </summary>
    public bool ReadsHere(string receiverId) => _index.TryGetValue(receiverId, out int i) && (!_shared[i] || Volatile.Read(ref _held[i]));

    /// <summary>True for a receiver another node of the cluster reads (this node would take it over).</summary>
    public bool StandsBy(ReceiverWorker worker) => _index.TryGetValue(worker.Id, out int i) && _shared[i] && !Volatile.Read(ref _held[i]);

    /// <summary>Raised when any receiver's state changes (for WatchReceivers).</summary>
    public event Action<ReceiverWorker>? StateChanged;

    public override void Dispose()
    {
        foreach (ReceiverWorker w in _workers)
        {
            w.Dispose();
        }

        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (ReceiverWorker w in _workers)
        {
            w.StateChanged += (worker, _) => StateChanged?.Invoke(worker);
        }

        // Workers start on the thread pool: one slow device open must not delay the others.
        List<Task> running = _workers.Select((w, i) => Task.Run(() => _shared[i] ? LeaseAsync(i, stoppingToken) : SuperviseAsync(w, _backoffCaps[i], stoppingToken), CancellationToken.None)).ToList();
        _hub.Running = true;
        LogStarted(_logger, _workers.Count);
        Task summary = SummarizeAsync(stoppingToken);
        await Task.WhenAll(running).ConfigureAwait(false);
        await summary.ConfigureAwait(false);
    }

    // A worker restarts itself after a fault; should its task still end with an exception (a bug in
    // its own fault handling, or in a StateChanged handler that runs on its thread), the receiver is
    // not lost until shutdown: the error is logged with the receiver id and the worker runs again
    // after its backoff cap.
    private async Task SuperviseAsync(ReceiverWorker worker, TimeSpan backoffCap, CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await worker.RunAsync(stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogWorkerFailed(_logger, worker.Id, backoffCap.TotalSeconds, e);
            }

            try
            {
                await Task.Delay(backoffCap, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // A shared receiver in a cluster: read while this node holds its lease; when the lease is lost
    // the worker stops and the node waits to take the receiver again.
    private async Task LeaseAsync(int i, CancellationToken stoppingToken)
    {
        ReceiverWorker worker = _workers[i];
        while (!stoppingToken.IsCancellationRequested)
        {
            ReceiverLeases.Lease lease;
            try
            {
                lease = await _leases!.AcquireAsync(worker.Id, _publishers[i].LastSequence, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await using (lease.ConfigureAwait(false))
            {
                _publishers[i].SequenceBase = lease.SequenceBase;
                Volatile.Write(ref _held[i], true);
                using var reading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease.Lost);
                try
                {
                    await SuperviseAsync(worker, _backoffCaps[i], reading.Token).ConfigureAwait(false);
                }
                finally
                {
                    Volatile.Write(ref _held[i], false);
                }
            }
        }
    }

    private async Task SummarizeAsync(CancellationToken stoppingToken)
    {
        long lastPublished = _hub.Published;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_summaryInterval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            long published = _hub.Published;
            if (_logger.IsEnabled(LogLevel.Information))
            {
                int connected = 0, stale = 0, down = 0, faulted = 0, standby = 0;
                foreach (ReceiverWorker w in _workers)
                {
                    if (StandsBy(w))
                    {
                        standby++;
                        continue;
                    }

                    switch (w.State)
                    {
                        case ReceiverState.Connected:
                            connected++;
                            break;
                        case ReceiverState.Stale:
                            stale++;
                            break;
                        case ReceiverState.Disconnected or ReceiverState.Connecting:
                            down++;
                            break;
                        case ReceiverState.Faulted:
                            faulted++;
                            break;
                    }
                }

                double perSecond = (published - lastPublished) / _summaryInterval.TotalSeconds;
                if (_leases is null)
                {
                    LogSummary(_logger, _workers.Count, connected, stale, down, faulted, perSecond, _hub.SubscriberCount, _hub.DroppedTotal);
                }
                else
                {
                    LogClusterSummary(_logger, _workers.Count, connected, stale, down, faulted, standby, perSecond, _hub.SubscriberCount, _hub.DroppedTotal);
                }
            }

            lastPublished = published;
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Started {Count} receiver(s)")]
    private static partial void LogStarted(ILogger logger, int count);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information,
        Message = "{Receivers} receivers: {Connected} connected, {Stale} stale, {Down} down, {Faulted} faulted; {PerSecond:0.0} positions/s; {Subscribers} subscribers, {Dropped} updates dropped")]
    private static partial void LogSummary(ILogger logger, int receivers, int connected, int stale, int down, int faulted, double perSecond, int subscribers, long dropped);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information,
        Message = "{Receivers} receivers: {Connected} connected, {Stale} stale, {Down} down, {Faulted} faulted, {Standby} read by other nodes; {PerSecond:0.0} positions/s (with other nodes'); {Subscribers} subscribers, {Dropped} updates dropped")]
    private static partial void LogClusterSummary(ILogger logger, int receivers, int connected, int stale, int down, int faulted, int standby, double perSecond, int subscribers, long dropped);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "Receiver {Receiver}: its worker ended with an error; running it again in {RetrySeconds:0.0} s")]
    private static partial void LogWorkerFailed(ILogger logger, string receiver, double retrySeconds, Exception exception);
}
