using BeidouHub.Service.Cluster;
using BeidouHub.Service.Configuration;
using BeidouHub.Service.Hub;
using BeidouHub.Service.Receivers;
using BeidouHub.Store;
using BeidouHub.Store.Postgres;
using BeidouHub.Store.Sqlite;

namespace BeidouHub.Service.History;

/// <summary>The store the History API reads; null when <c>BeidouHub:History:Enabled</c> is false.</summary>
internal sealed record HistoryAccess(IHistoryStore? Store);

/// <summary>The history's services: the store, the writer (a hub subscriber) and what the API reads.</summary>
internal static class HistorySetup
{
    /// <summary>
    /// Adds the history. Call before the receivers' hosted service is added: hosted services stop
    /// in reverse order, so the writer stops after the receivers and writes what they last sent.
    /// </summary>
    public static void Add(IServiceCollection services, BeidouHubOptions options)
    {
        HistoryConfig config = options.History;
        if (!config.Enabled)
        {
            services.AddSingleton(new HistoryAccess(null));
            return;
        }

        // Made by a factory, so the container disposes it at shutdown (PostgreSQL's pool).
        services.AddSingleton<IHistoryStore>(_ => config.Store == HistoryStoreKind.Postgres
            ? new PostgresHistoryStore(config.ConnectionString!)
            : new SqliteHistoryStore(config.Path));
        // With the cluster's history stream the writer publishes into the stream, and every
        // node's consumer writes what the stream holds into the shared store.
        bool stream = options.Cluster.Enabled && options.Cluster.HistoryStream;
        if (stream)
        {
            services.AddSingleton(sp => new HistoryStreamStore(sp.GetRequiredService<IHistoryStore>(), sp.GetRequiredService<ClusterNode>()));
            services.AddSingleton<HistoryStreamConsumer>();
            services.AddHostedService(sp => sp.GetRequiredService<HistoryStreamConsumer>());
        }

        services.AddSingleton(sp => new HistoryWriter(
            stream ? sp.GetRequiredService<HistoryStreamStore>() : sp.GetRequiredService<IHistoryStore>(),
            config,
            sp.GetRequiredService<PositionHub>(),
            sp.GetRequiredService<ReceiverHost>(),
            sp.GetRequiredService<TimeProvider>(),
            options.SummaryInterval,
            sp.GetRequiredService<ILogger<HistoryWriter>>()));
        services.AddSingleton(sp => new HistoryAccess(sp.GetRequiredService<IHistoryStore>()));
        services.AddHostedService(sp => sp.GetRequiredService<HistoryWriter>());
    }
}
