using BeidouHub.Store;
using BeidouHub.Store.Postgres;
using Npgsql;

namespace BeidouHub.Service.Tests.Store;

/// <summary>The cluster the PostgreSQL tests share: started once, stopped and deleted after the last.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresServer : ICollectionFixture<PostgresCluster>
{
    public const string Name = "postgres";
}

/// <summary>The store contract on PostgreSQL: a real server (the throw-away cluster), a new database per test.</summary>
[Collection(PostgresServer.Name)]
public sealed class PostgresHistoryStoreTests(PostgresCluster cluster) : HistoryStoreContractTests, IAsyncLifetime
{
    private readonly List<PostgresHistoryStore> _stores = [];
    private string? _connectionString;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (PostgresHistoryStore store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    protected override async Task<IHistoryStore> CreateAsync(bool forReading = false)
    {
        var store = new PostgresHistoryStore(await DatabaseAsync(), forReading);
        _stores.Add(store);
        return store;
    }

    protected override async Task ExecuteAsync(string sql)
    {
        await using var c = new NpgsqlConnection(await DatabaseAsync());
        await c.OpenAsync();
        await using var q = new NpgsqlCommand(sql, c);
        await q.ExecuteNonQueryAsync();
    }

    protected override async Task<object?> ScalarAsync(string sql)
    {
        await using var c = new NpgsqlConnection(await DatabaseAsync());
        await c.OpenAsync();
        await using var q = new NpgsqlCommand(sql, c);
        return await q.ExecuteScalarAsync();
    }

    [SkippableFact]
    public async Task OpenAsync_ServerWithPostGis_PositionsCarryACgcs2000PointZ()
    {
        Skip.If(cluster.Unavailable is not null, cluster.Unavailable);
        Skip.IfNot(await cluster.HasExtensionAsync("postgis"), "PostGIS is not installed for the cluster's PostgreSQL (Debian: postgresql-15-postgis-3)");
        var store = (PostgresHistoryStore)await OpenAsync();
        var batch = new HistoryBatch();
        batch.Positions.Add(Full("truck-1", T0));
        batch.Positions.Add(new PositionRecord { Receiver = "truck-1", Time = T0.AddSeconds(1), Used = new int[7], Zones = [] });

        await store.WriteAsync(batch, default);

        Assert.True(store.HasGeometry);
        const string First = " FROM positions ORDER BY time LIMIT 1;";
        Assert.Equal("ST_Point", await ScalarAsync("SELECT ST_GeometryType(geom)" + First));
        Assert.Equal(4490, await ScalarAsync("SELECT ST_SRID(geom)" + First));
        Assert.Equal(113.16801234567891, await ScalarAsync("SELECT ST_X(geom)" + First));
        Assert.Equal(27.858012345678901, await ScalarAsync("SELECT ST_Y(geom)" + First));
        Assert.Equal(55.123, await ScalarAsync("SELECT ST_Z(geom)" + First));
        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM positions WHERE geom IS NULL;"));
        Assert.Equal(2, (await ToList(store.ReadTrackAsync("truck-1", T0, T0.AddSeconds(2), 0, default))).Count);
    }

    [SkippableFact]
    public async Task OpenAsync_RoleThatMayNotCreatePostGis_PlainColumnsAndWorks()
    {
        // A role that owns its database but is no superuser: PostGIS is not a trusted extension,
        // so CREATE EXTENSION is refused (or PostGIS is not installed at all): plain columns.
        Skip.If(cluster.Unavailable is not null, cluster.Unavailable);
        await ExecuteAsync("CREATE ROLE plain_owner LOGIN; CREATE SCHEMA history AUTHORIZATION plain_owner;");
        string connection = await DatabaseAsync() + ";Username=plain_owner;Search Path=history";
        await using var store = new PostgresHistoryStore(connection);
        await store.OpenAsync(default);
        var batch = new HistoryBatch();
        batch.Positions.Add(Full("truck-1", T0));

        Assert.Equal(1, await store.WriteAsync(batch, default));

        Assert.False(store.HasGeometry);
        Assert.Equal(0L, await ScalarAsync("SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = 'history' AND table_name = 'positions' AND column_name = 'geom';"));
        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM history.positions;"));
        AssertSame(Full("truck-1", T0), Assert.Single(await ToList(store.ReadTrackAsync("truck-1", T0, T0.AddSeconds(1), 0, default))));
    }

    [Fact]
    public void CheckConnectionString_UnknownKeywordOrNoHost_SaysWhatWithoutTheValue()
    {
        Assert.Null(PostgresHistoryStore.CheckConnectionString("Host=127.0.0.1;Database=beidouhub;Username=b;Password=secret"));
        Assert.Contains("Host", PostgresHistoryStore.CheckConnectionString("Database=beidouhub;Password=secret"), StringComparison.Ordinal);
        string? bad = PostgresHistoryStore.CheckConnectionString("Host=h;Pasword=secret");
        Assert.NotNull(bad);
        Assert.DoesNotContain("secret", bad, StringComparison.Ordinal);
    }

    // A new database per test, made on first use (so a missing cluster skips the test that asks).
    private async Task<string> DatabaseAsync()
    {
        Skip.If(cluster.Unavailable is not null, cluster.Unavailable);
        return _connectionString ??= await cluster.CreateDatabaseAsync();
    }
}
