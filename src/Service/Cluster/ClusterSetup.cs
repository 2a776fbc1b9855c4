using BeidouHub.Service.Configuration;

namespace BeidouHub.Service.Cluster;

/// <summary>The cluster's parts, when <c>BeidouHub:Cluster:Nats</c> is set; alone, only the (empty) table of other nodes' receivers.</summary>
internal static class ClusterSetup
{
    public static void Add(IServiceCollection services, ClusterConfig config)
    {
        if (!config.Enabled)
        {
            services.AddSingleton(new RemoteReceivers(null));
            return;
        }

        services.AddSingleton(config);
        services.AddSingleton(new RemoteReceivers(config.Node));
        services.AddSingleton<ClusterNode>();
        services.AddSingleton<ReceiverLeases>();

        // Before the receivers (hosted services start in order): the bridge subscribes to the hub
        // as it starts, so it has the receivers' first epochs.
        services.AddSingleton<ClusterBridge>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterBridge>());
    }
}
