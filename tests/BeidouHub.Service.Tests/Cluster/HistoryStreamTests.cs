using BeidouHub.Protocol.V1;
using BeidouHub.Service.Cluster;
using BeidouHub.Service.History;
using BeidouHub.Service.Receivers;
using BeidouHub.Service.Tests.History;
using BeidouHub.Service.Tests.Security;
using BeidouHub.Service.Tests.Store;
using BeidouHub.Service.Tests.Support;
using BeidouHub.Store;
using BeidouHub.Store.Postgres;
using BeidouHub.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace BeidouHub.Service.Tests.Cluster;

/// <summary>
/// The history through a JetStream stream (Cluster:HistoryStream): two nodes on a real three-server
/// NATS cluster (its own, started here) and a real PostgreSQL (the collection's throw-away cluster,
/// stopped mid-run).
/// </summary>
[Collection(PostgresServer.Name)]
public sealed class HistoryStreamTests(PostgresCluster postgres, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task HistoryStream_PostgresStoppedMidRun_BatchesWaitInTheStreamAndEveryPositionArrives()
    {
        Skip.If(postgres.Unavailable is not null, postgres.Unavailable);
        using var nats = new NatsCluster();
        Skip.If(nats.Unavailable is not null, nats.Unavailable);
        string database = await postgres.CreateDatabaseAsync();
        await using (var prepared = new PostgresHistoryStore(database))
        {
            await prepared.OpenAsync(default);
        }

        // A writer buffer of 100 rows: an outage of more than 100 positions would drop rows if the
        // writer still waited for the database itself.
        string[] common =
        [
            $"--BeidouHub:Cluster:Nats={nats.Urls}", "--BeidouHub:Cluster:Prefix=hs", "--BeidouHub:Cluster:HistoryStream=true",
            "--BeidouHub:Cluster:HistoryStreamMaxBytes=67108864", // the test servers' max_file_store is 256 MB
            .. PostgresHistoryServiceTests.HistoryOn(database), "--BeidouHub:History:BatchSize=10", "--BeidouHub:History:BufferLimit=100",
            "--Logging:LogLevel:BeidouHub.Service.Cluster=Information",
        ];
        var logs = new ListLoggerProvider();
        await using ServiceFixture a = await ServiceFixture.StartAsync(TimeProvider.System, logs,
        [
            .. common, "--BeidouHub:Cluster:NodeId=a",
            "--BeidouHub:Receivers:0:Id=truck", $"--BeidouHub:Receivers:0:Source=replay://{Repo.Seed("park-vehicle-rtk-10hz.nmea")}?speed=2&loop=true",
        ]);
        // Both nodes log into one list: which of the group's consumers gets which batch is NATS's choice.
        await using ServiceFixture b = await ServiceFixture.StartAsync(TimeProvider.System, logs, [.. common, "--BeidouHub:Cluster:NodeId=b"]);
        HistoryWriter writer = a.Services.GetRequiredService<HistoryWriter>();
        HistoryStreamConsumer[] consumers = [a.Services.GetRequiredService<HistoryStreamConsumer>(), b.Services.GetRequiredService<HistoryStreamConsumer>()];
        await Eventually.True(() => a.Services.GetRequiredService<ReceiverHost>().ReadsHere("truck"), "node a reading truck");
        await Eventually.True(() => consumers.Sum(c => c.Positions) >= 20, "the first positions stored through the stream", 60);

        // 0 unless the stream came up more than 100 rows (5 s) after the receiver on this machine;
        // what the stream delivers from here on must all be stored (its first message, the latest
        // position as a snapshot, may be older: not counted).
        long droppedBefore = writer.Dropped;
        using var stream = new StreamCollector<Position>(c => new Positions.PositionsClient(a.Channel).StreamPositions(new StreamPositionsRequest { ReceiverIds = { "truck" } }, cancellationToken: c));
        await Eventually.True(() => stream.Count >= 10, "the live stream on node a");
        postgres.Stop("fast");
        try
        {
            await Eventually.True(() => consumers.Any(c => c.Failing), "a consumer finding the store down");
            int live = stream.Count;
            await Eventually.True(() => stream.Count >= live + 150, "150 more live positions while the server is down (more than the writer's buffer)", 60);
            Assert.False(writer.Failing, writer.LastError);
            Assert.Equal(droppedBefore, writer.Dropped);
            Assert.InRange(writer.Buffered, 0, 99);
        }
        finally
        {
            postgres.Start();
        }

        // Every position the live stream delivered is stored, once the server is back.
        Assert.Equal(droppedBefore, writer.Dropped);
        DateTime[] seen = [.. stream.Items.Skip(1).Select(p => p.Time.ToDateTime()).Distinct().Order()];
        await using var store = new PostgresHistoryStore(database);
        HashSet<DateTime> stored = [];
        await Eventually.True(async () =>
        {
            stored.Clear();
            await foreach (PositionRecord r in store.ReadTrackAsync("truck", seen[0], seen[^1].AddTicks(10), 0, default))
            {
                stored.Add(r.Time);
            }

            return seen.All(stored.Contains);
        }, "every delivered position in the store", 90);
        // A consumer that failed knows the store is back at its next batch; the group may have
        // given every batch since to the other one, so only "one works again" is certain.
        Assert.Contains(consumers, c => !c.Failing);
        output.WriteLine($"{seen.Length} positions delivered and stored; consumer a stored {consumers[0].Positions} in {consumers[0].Batches} batches, b {consumers[1].Positions} in {consumers[1].Batches}");

        string[] lines = [.. logs.Lines.Where(l => l.Category == typeof(HistoryStreamConsumer).FullName).Select(l => l.Message)];
        Assert.Contains(lines, l => l.Contains("the store fails", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("works again", StringComparison.Ordinal));
    }

    [Fact]
    public void Split_BatchOfMoreRowsThanAMessage_EveryRowOnceZoneEventsAndStatesInTheFirst()
    {
        var batch = new HistoryBatch();
        DateTime t0 = new(2026, 12, 5, 0, 0, 0, DateTimeKind.Utc);
        for (int i = 0; i < 450; i++)
        {
            batch.Positions.Add(new PositionRecord { Receiver = "truck", Time = t0.AddMilliseconds(100 * i), Sequence = i + 1, Used = [], Zones = [] });
        }

        batch.ZoneEvents.Add(new ZoneEventRecord(1, "truck", "dock", t0, 1, 2));
        batch.States.Add(new ReceiverStateRecord("truck", t0, "Connected", null));

        HistoryChunk[] chunks = [.. HistoryChunk.Split(batch, 200)];

        Assert.Equal([198, 200, 52], chunks.Select(c => c.Positions.Count));
        Assert.Single(chunks[0].ZoneEvents);
        Assert.Single(chunks[0].States);
        Assert.All(chunks.Skip(1), c => Assert.Empty(c.ZoneEvents));
        var back = new HistoryBatch();
        foreach (HistoryChunk c in chunks)
        {
            c.AddTo(back);
        }

        Assert.Equal(batch.Positions.Select(p => p.Sequence), back.Positions.Select(p => p.Sequence));
    }

    [Fact]
    public void HistoryJson_PositionWithEveryFieldSet_ComesBackEqual()
    {
        // Every property a distinct non-default value, so a field the JSON drops or renames shows.
        var record = new PositionRecord { Receiver = "truck-7", Time = new DateTime(2026, 12, 5, 1, 2, 3, DateTimeKind.Utc).AddTicks(4560), Used = [12, 9, 0], Zones = ["dock", "gate"] };
        int n = 1;
        foreach (System.Reflection.PropertyInfo p in typeof(PositionRecord).GetProperties().Where(p => p.CanWrite))
        {
            object? value = (Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType) switch
            {
                Type t when t == typeof(double) => n + 0.25,
                Type t when t == typeof(float) => n + 0.5f,
                Type t when t == typeof(int) => n,
                Type t when t == typeof(long) => (long)n,
                Type t when t == typeof(bool) => true,
                Type t when t == typeof(string) && p.Name != nameof(PositionRecord.Receiver) => "v" + n,
                _ => p.GetValue(record),
            };
            p.SetValue(record, value);
            n++;
        }

        var chunk = new HistoryChunk([record], [new ZoneEventRecord(2, "truck-7", "dock", record.Time, 3.5, 4.5)], [new ReceiverStateRecord("truck-7", record.Time, "Stale", "no data for 2 s")]);
        HistoryChunk back = System.Text.Json.JsonSerializer.Deserialize(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(chunk, HistoryJson.Default.HistoryChunk), HistoryJson.Default.HistoryChunk)!;

        PositionRecord r = Assert.Single(back.Positions);
        foreach (System.Reflection.PropertyInfo p in typeof(PositionRecord).GetProperties())
        {
            object? expected = p.GetValue(record);
            object? actual = p.GetValue(r);
            if (expected is System.Collections.IEnumerable e && expected is not string)
            {
                Assert.Equal(e.Cast<object>(), ((System.Collections.IEnumerable)actual!).Cast<object>());
            }
            else
            {
                Assert.True(Equals(expected, actual), $"{p.Name}: {expected} came back as {actual}");
            }
        }

        Assert.Equal(DateTimeKind.Utc, r.Time.Kind);
        Assert.Equal(chunk.ZoneEvents, back.ZoneEvents);
        Assert.Equal(chunk.States, back.States);
    }
}
