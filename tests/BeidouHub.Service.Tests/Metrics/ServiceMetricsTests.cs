using System.Globalization;
using System.Text.RegularExpressions;
using BeidouHub.Protocol.V1;
using BeidouHub.Service.Tests.Security;
using BeidouHub.Service.Tests.Support;
using BeidouHub.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BeidouHub.Service.Tests.Metrics;

/// <summary>The Prometheus scrape endpoint of the real service serving the seeds, read with a real HttpClient.</summary>
public partial class ServiceMetricsTests
{
    [Fact]
    public async Task Scrape_ServiceServingSeeds_CountersMoveBetweenTwoScrapes()
    {
        await using ServiceFixture service = await ServiceFixture.StartAsync("--BeidouHub:Metrics:Enabled=true", "--BeidouHub:Metrics:Listen=http://127.0.0.1:0");
        Uri metrics = service.Services.GetRequiredService<MetricsEndpoint>().Address(tls: false)!;
        Assert.NotNull(metrics);
        var positions = new Positions.PositionsClient(service.Channel);
        using var stream = new StreamCollector<Position>(c => positions.StreamPositions(new StreamPositionsRequest(), cancellationToken: c));
        await Eventually.True(() => stream.Count >= 5, "positions streamed");
        using var http = new HttpClient();

        string first = await http.GetStringAsync(metrics);
        double truckSentences = Value(first, "beidouhub_receiver_sentences_total", "truck-1");
        double published = Value(first, "beidouhub_hub_positions_total", null);
        string second = first;
        await Eventually.True(
            async () =>
            {
                second = await http.GetStringAsync(metrics);
                return Value(second, "beidouhub_receiver_sentences_total", "truck-1") > truckSentences && Value(second, "beidouhub_receiver_epochs_total", "gate-1") > 0;
            },
            "truck-1's sentences counted on, gate-1's first epoch (1 Hz)");

        Assert.True(Value(second, "beidouhub_hub_positions_total", null) > published, second);
        Assert.Equal(0, Value(second, "beidouhub_receiver_checksum_failures_total", "walker-1"));
        Assert.Contains("beidouhub_receiver_reconnects_total{", second, StringComparison.Ordinal);
        Assert.InRange(Value(second, "beidouhub_receiver_fix_quality", "truck-1"), 1, 5);
        Assert.True(Value(second, "beidouhub_hub_latency_seconds_count", null) >= 5, second); // the stream's positions, handed over
        Assert.Matches("beidouhub_subscriber_dropped_total\\{[^}]*stream=\"positions\"[^}]*\\} 0", second);
    }

    [Fact]
    public async Task Scrape_GrpcEndpoint_NoMetricsThere()
    {
        // The scrape endpoint asks for no credential: it answers on its own port only.
        await using ServiceFixture service = await ServiceFixture.StartAsync(["--BeidouHub:Metrics:Enabled=true", "--BeidouHub:Metrics:Listen=http://127.0.0.1:0", .. WebConsoleConfig.On]);
        using var http = new HttpClient();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(service.Services.GetRequiredService<MetricsEndpoint>().Address(tls: false))).StatusCode);
        Uri web = new(new Uri(Service.Web.WebConsole.Address([.. service.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses], true)!), "/metrics");

        HttpResponseMessage response = await http.GetAsync(web);

        Assert.DoesNotContain("beidouhub_", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    // The value of a series (with receiver="id" when given; the first series of the name otherwise).
    private static double Value(string scrape, string name, string? receiver)
    {
        foreach (string line in scrape.Split('\n'))
        {
            Match m = Series().Match(line);
            if (m.Success && m.Groups["name"].Value == name && (receiver is null || m.Groups["labels"].Value.Contains($"receiver=\"{receiver}\"", StringComparison.Ordinal)))
            {
                return double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        Assert.Fail($"no {name} for {receiver ?? "any"} in:\n{scrape}");
        return 0;
    }

    [GeneratedRegex(@"^(?<name>[a-z_]+)(\{(?<labels>[^}]*)\})? (?<value>[-0-9.eE+]+)")]
    private static partial Regex Series();
}
