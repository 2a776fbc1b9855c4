using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using BeidouHub.Store;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace BeidouHub.Service.Cluster;

/// <summary>
/// The history through JetStream (<c>BeidouHub:Cluster:HistoryStream</c>, issue 15): what a node's
/// history writer would write into the store it publishes into the stream <c>{prefix}-history</c>
/// instead, and <see cref="HistoryStreamConsumer"/> on every node takes the batches out as one
/// consumer group and writes them into the shared store. The writer keeps its buffer, backoff and
/// drop accounting exactly as before; only its "store" is the stream, which is up while the
/// database is down. Reads go to the store itself.
/// </summary>
internal sealed class HistoryStreamStore(IHistoryStore store, ClusterNode node) : IHistoryStore
{
    // A NATS message is at most 1 MB by default (max_payload); 200 positions are ~150 kB of JSON.
    private const int RowsPerMessage = 200;

    private readonly string _subject = node.Subjects.History + ClusterSubjects.Token(node.Node);

    public string Location => $"{store.Location}, through the JetStream stream {node.Subjects.HistoryStream}";

    public async Task OpenAsync(CancellationToken cancel) => await node.HistoryStreamAsync(cancel).ConfigureAwait(false);

    /// <summary>
    /// Publishes the batch in messages of at most <see cref="RowsPerMessage"/> rows and waits for
    /// the stream's acknowledgement of each. Each message's id is the hash of its bytes, so when
    /// the writer retries a batch after a failure part-way, the parts the stream already has are
    /// dropped by JetStream's duplicate window instead of stored twice. Returns the positions
    /// published (stored later by a consumer).
    /// </summary>
    public async Task<int> WriteAsync(HistoryBatch batch, CancellationToken cancel)
    {
        INatsJSContext js = await node.HistoryStreamAsync(cancel).ConfigureAwait(false);
        foreach (HistoryChunk chunk in HistoryChunk.Split(batch, RowsPerMessage))
        {
            byte[] data = JsonSerializer.SerializeToUtf8Bytes(chunk, HistoryJson.Default.HistoryChunk);
            string id = Convert.ToHexString(SHA256.HashData(data));
            PubAckResponse ack = await js.PublishAsync(_subject, data, opts: new NatsJSPubOpts { MsgId = id }, cancellationToken: cancel).ConfigureAwait(false);
            ack.EnsureSuccess();
        }

        return batch.Positions.Count;
    }

    public IAsyncEnumerable<PositionRecord> ReadTrackAsync(string receiver, DateTime since, DateTime until, int maxPoints, CancellationToken cancel)
        => store.ReadTrackAsync(receiver, since, until, maxPoints, cancel);

    public Task<(PositionRecord? Before, PositionRecord? After)> ReadAroundAsync(string receiver, DateTime time, CancellationToken cancel)
        => store.ReadAroundAsync(receiver, time, cancel);

    public IAsyncEnumerable<ZoneEventRecord> ReadZoneEventsAsync(IReadOnlyCollection<string> receivers, IReadOnlyCollection<string> zones, DateTime since, DateTime until, CancellationToken cancel)
        => store.ReadZoneEventsAsync(receivers, zones, since, until, cancel);

    public IAsyncEnumerable<ZoneEventRecord> ReadLastZoneEventsAsync(string zone, DateTime time, CancellationToken cancel)
        => store.ReadLastZoneEventsAsync(zone, time, cancel);

    public IAsyncEnumerable<ReceiverStateRecord> ReadStatesAsync(IReadOnlyCollection<string> receivers, DateTime since, DateTime until, CancellationToken cancel)
        => store.ReadStatesAsync(receivers, since, until, cancel);

    /// <summary>Retention runs on the store itself (every node's writer does it, a chunk at a time).</summary>
    public Task<int> DeleteBeforeAsync(DateTime cutoff, int maxRows, CancellationToken cancel)
        => store.DeleteBeforeAsync(cutoff, maxRows, cancel);
}

/// <summary>One message of the history stream: part of a writer's batch.</summary>
internal sealed record HistoryChunk(List<PositionRecord> Positions, List<ZoneEventRecord> ZoneEvents, List<ReceiverStateRecord> States)
{
    public static IEnumerable<HistoryChunk> Split(HistoryBatch batch, int rows)
    {
        // Zone events and states (few) travel with the first message; positions fill the rest.
        int first = Math.Max(0, rows - batch.ZoneEvents.Count - batch.States.Count);
        yield return new HistoryChunk(batch.Positions.GetRange(0, Math.Min(first, batch.Positions.Count)), [.. batch.ZoneEvents], [.. batch.States]);
        for (int i = first; i < batch.Positions.Count; i += rows)
        {
            yield return new HistoryChunk(batch.Positions.GetRange(i, Math.Min(rows, batch.Positions.Count - i)), [], []);
        }
    }

    public void AddTo(HistoryBatch batch)
    {
        batch.Positions.AddRange(Positions);
        batch.ZoneEvents.AddRange(ZoneEvents);
        batch.States.AddRange(States);
    }
}

/// <summary>The history stream's JSON (source-generated: no reflection).</summary>
[JsonSerializable(typeof(HistoryChunk))]
internal sealed partial class HistoryJson : JsonSerializerContext;

/// <summary>
/// Takes the history stream's batches into this node's store: a durable pull consumer shared by
/// every node (a consumer group: each batch goes to one of them), acknowledged after the store
/// committed it. While the store fails, a batch is handed back with a growing delay and waits in
/// the stream; one log line when it starts failing, one when it works again. A batch a node took
/// and did not acknowledge (the node died) is redelivered after <see cref="AckWait"/>; its
/// positions are then skipped by the store (one row per receiver and time), its zone events and
/// state changes would be stored twice (at most one batch's worth).
/// </summary>
internal sealed partial class HistoryStreamConsumer(IHistoryStore store, ClusterNode node, TimeProvider time, ILogger<HistoryStreamConsumer> logger) : BackgroundService
{
    public const string ConsumerName = "history-writer";
    private static readonly TimeSpan AckWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(250);
    // Short: a batch handed back waits in the stream, not here, and every batch in flight (up to
    // MaxAckPending) doubles the delay; with 30 s the store's return was noticed up to 30 s late.
    private static readonly TimeSpan BackoffCap = TimeSpan.FromSeconds(5);

    private long _batches;
    private long _positions;
    private volatile bool _failing;
    private volatile string? _lastError;

    /// <summary>Stream messages this node wrote into the store.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Positions newly stored by this node (not those the store already had).</summary>
    public long Positions => Interlocked.Read(ref _positions);

    /// <summary>True while the store fails (the batches wait in the stream).</summary>
    public bool Failing => _failing;

    public string? LastError => _lastError;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        TimeSpan backoff = FirstBackoff;
        DateTimeOffset failingSince = default;
        bool opened = false;
        var batch = new HistoryBatch();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                INatsJSContext js = await node.HistoryStreamAsync(stoppingToken).ConfigureAwait(false);
                INatsJSConsumer consumer = await js.CreateOrUpdateConsumerAsync(node.Subjects.HistoryStream, new ConsumerConfig(ConsumerName)
                {
                    AckPolicy = ConsumerConfigAckPolicy.Explicit,
                    AckWait = AckWait,
                    MaxAckPending = 16,
                    Description = "BeidouHub: the nodes' history stores, one group",
                }, stoppingToken).ConfigureAwait(false);
                await foreach (NatsJSMsg<byte[]> msg in consumer.ConsumeAsync<byte[]>(opts: new NatsJSConsumeOpts { MaxMsgs = 16 }, cancellationToken: stoppingToken).ConfigureAwait(false))
                {
                    try
                    {
                        if (!opened)
                        {
                            await store.OpenAsync(stoppingToken).ConfigureAwait(false);
                            opened = true;
                        }

                        batch.Clear();
                        (JsonSerializer.Deserialize(msg.Data, HistoryJson.Default.HistoryChunk) ?? throw new JsonException("an empty history message")).AddTo(batch);
                        int stored = await store.WriteAsync(batch, CancellationToken.None).ConfigureAwait(false);
                        await msg.AckAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
                        Interlocked.Increment(ref _batches);
                        Interlocked.Add(ref _positions, stored);
                        if (_failing)
                        {
                            double seconds = (time.GetUtcNow() - failingSince).TotalSeconds;
                            ulong pending = msg.Metadata?.NumPending ?? 0;
                            LogRecovered(logger, seconds, pending);

                            _failing = false;
                        }

                        backoff = FirstBackoff;
                    }
                    catch (JsonException e)
                    {
                        // Not ours or not readable: kept out of the way for good, not retried forever.
                        LogUnreadable(logger, msg.Subject, e.Message);
                        await msg.AckTerminateAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                    {
                        _lastError = $"{e.GetType().Name}: {e.Message}";
                        if (!_failing)
                        {
                            _failing = true;
                            failingSince = time.GetUtcNow();
                            LogFailing(logger, node.Subjects.HistoryStream, e.Message);
                        }

                        await msg.NakAsync(new AckOpts { NakDelay = backoff }, cancellationToken: stoppingToken).ConfigureAwait(false);
                        backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, BackoffCap.Ticks));
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // NATS gone or the consumer deleted: the connection reconnects by itself; consume again.
                LogConsumeEnded(logger, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 1510, Level = LogLevel.Warning, Message = "history stream: the store fails ({Error}); batches wait in the stream {Stream} and are retried with backoff; live streams are not affected")]
    private static partial void LogFailing(ILogger logger, string stream, string error);

    [LoggerMessage(EventId = 1511, Level = LogLevel.Information, Message = "history stream: the store works again after {Seconds:0.0} s; {Pending} batches still wait in the stream")]
    private static partial void LogRecovered(ILogger logger, double seconds, ulong pending);

    [LoggerMessage(EventId = 1512, Level = LogLevel.Error, Message = "history stream: message on {Subject} is not a history batch ({Error}); taken out of the stream")]
    private static partial void LogUnreadable(ILogger logger, string subject, string error);

    [LoggerMessage(EventId = 1513, Level = LogLevel.Warning, Message = "history stream: consuming stopped ({Error}); again in 1 s")]
    private static partial void LogConsumeEnded(ILogger logger, string error);
}
