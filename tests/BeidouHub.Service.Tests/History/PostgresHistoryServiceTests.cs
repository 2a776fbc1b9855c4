using BeidouHub.Protocol.V1;
using BeidouHub.Service.History;
using BeidouHub.Service.Tests.Security;
using BeidouHub.Service.Tests.Store;
using BeidouHub.Service.Tests.Support;
using BeidouHub.Service.Tests.Verbs;
using BeidouHub.Store.Postgres;
using Microsoft.Extensions.DependencyInjection;

namespace BeidouHub.Service.Tests.History;

/// <summary>The history on PostgreSQL through the real service: the round trip, the server stopped mid-run, the verb.</summary>
[Collection(PostgresServer.Name)]
public sealed class PostgresHistoryServiceTests(PostgresCluster cluster) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("beidouhub-history-pg-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SkippableFact]
    public async Task QueryTrack_SeedFedThroughTheServiceOnPostgres_EveryEpochTheLiveStreamDelivered()
    {
        Skip.If(cluster.Unavailable is not null, cluster.Unavailable);

        await HistoryServiceTests.RoundTripAsync(_dir, HistoryOn(await cluster.CreateDatabaseAsync()));
    }

    [SkippableFact]
    public async Task Writer_PostgresStoppedMidRun_StreamsGoOnDropsCountedOnceThenWritingResumes()
    {
        Skip.If(cluster.Unavailable is not null, cluster.Unavailable);
        string database = await cluster.CreateDatabaseAsync();

        // The schema made beforehand (with PostGIS that takes seconds): the 40 rows of buffer are
        // for the outage below, not for the service's first open.
        await using (var prepared = new PostgresHistoryStore(database))
        {
            await prepared.OpenAsync(default);
        }

        var logs = new ListLoggerProvider();
        await using ServiceFixture service = await ServiceFixture.StartAsync(TimeProvider.System, logs,
        [
            "--BeidouHub:Receivers:0:Id=truck", $"--BeidouHub:Receivers:0:Source=replay://{Repo.Seed("park-vehicle-rtk-10hz.nmea")}?speed=4&loop=true",
            .. HistoryOn(database), "--BeidouHub:History:BatchSize=10", "--BeidouHub:History:BufferLimit=100",
            "--BeidouHub:SlowSubscriberTimeout=00:00:01",
        ]);
        HistoryWriter writer = service.Services.GetRequiredService<HistoryWriter>();
        await Eventually.True(() => writer.Written >= 20 && writer.Buffered < 10, "the first positions stored, the writer caught up");
        long droppedBefore = writer.Dropped; // 0 unless this machine was too slow for the first 100 rows
        using var stream = new StreamCollector<Position>(c => new Positions.PositionsClient(service.Channel).StreamPositions(new StreamPositionsRequest(), cancellationToken: c));

        // A clean shutdown of the server (sessions ended), as an administrator's restart does.
        cluster.Stop("fast");
        try
        {
            await Eventually.True(() => writer.Failing && writer.Dropped > droppedBefore, "the writer failing and dropping beyond its buffer");
            int live = stream.Count;
            long written = writer.Written;
            long batches = writer.Batches;
            await Eventually.True(() => stream.Count >= live + 20, "the live stream going on while the server is down");
            Assert.Equal((written, batches, 100), (writer.Written, writer.Batches, writer.Buffered));
            Assert.Matches("^(Npgsql|Postgres)Exception: ", writer.LastError);
        }
        finally
        {
            cluster.Start();
        }

        long before = writer.Written;
        await Eventually.True(() => !writer.Failing && writer.Written > before + 100, "writing resumed once the server is back", 60);
        long dropped = writer.Dropped;

        string[] lines = [.. logs.Lines.Where(l => l.Category == typeof(HistoryWriter).FullName).Select(l => l.Message)];
        Assert.Single(lines, l => l.Contains("keeping positions in PostgreSQL database t", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("the store fails", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("buffer full (100 rows)", StringComparison.Ordinal));
        string recovered = Assert.Single(lines, l => l.Contains("works again", StringComparison.Ordinal));
        Assert.Contains($"{dropped} rows were dropped", recovered, StringComparison.Ordinal);
        Assert.Null(stream.Ended);
        Assert.Equal(0, service.Hub.DroppedTotal);
    }

    [SkippableFact]
    public async Task HistoryVerb_Postgres_ReadsTheStoredTrack()
    {
        Skip.If(cluster.Unavailable is not null, cluster.Unavailable);
        string database = await cluster.CreateDatabaseAsync();
        await using (var store = new PostgresHistoryStore(database))
        {
            await HistoryVerbTests.StoreAsync(store);
        }

        (int exit, string stdout, string stderr) = await HistoryVerbTests.RunAsync("--receiver", "truck-1", "--from", "2026-11-27T02:00:01Z", "--to", "2026-11-27T02:00:04Z", "--postgres", database);
        (int emptyExit, _, string emptyErr) = await HistoryVerbTests.RunAsync("--receiver", "truck-1", "--from", "2026-11-27", "--postgres", cluster.ConnectionString("postgres"));

        Assert.Equal(0, exit);
        Assert.Equal(3, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.StartsWith("{\"receiver\":\"truck-1\",\"time\":\"2026-11-27T02:00:01.000Z\"", stdout, StringComparison.Ordinal);
        Assert.Equal("history: 3 epochs of truck-1 from 2026-11-27T02:00:01.0000000Z to 2026-11-27T02:00:04.0000000Z", stderr.Trim());
        Assert.Equal(1, emptyExit);
        Assert.Contains("PostgreSQL database postgres on 127.0.0.1", emptyErr, StringComparison.Ordinal);
        Assert.Contains("not a BeidouHub history", emptyErr, StringComparison.Ordinal);
    }

    internal static string[] HistoryOn(string connectionString) =>
    [
        "--BeidouHub:History:Enabled=true", "--BeidouHub:History:Store=Postgres", $"--BeidouHub:History:ConnectionString={connectionString}",
        "--Logging:LogLevel:BeidouHub.Service.History=Information",
    ];
}
