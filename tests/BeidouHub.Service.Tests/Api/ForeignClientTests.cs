using System.Diagnostics;
using System.Text.Json;
using BeidouHub.Service.Tests.Support;

namespace BeidouHub.Service.Tests.Api;

/// <summary>
/// A client from another gRPC stack: Node's @grpc/grpc-js with @grpc/proto-loader, loading the
/// committed proto as it is at run time (tests/foreign-client, installed by .ci/run with npm ci).
/// </summary>
public class ForeignClientTests
{
    [SkippableFact]
    public async Task StreamPositions_NodeGrpcJsWithCommittedProto_ReceivesPositionsWithFields()
    {
        string dir = Path.Combine(Repo.Root, "tests", "foreign-client");
        Skip.If(FindOnPath("node") is null, "node is not installed (.ci/run installs it)");
        Skip.IfNot(Directory.Exists(Path.Combine(dir, "node_modules", "@grpc", "grpc-js")), "tests/foreign-client has no node_modules: run `npm ci` there (.ci/run does)");
        await using var feed = new ReceiverFeed();
        await using ServiceFixture service = await ServiceFixture.StartAsync("--BeidouHub:Receivers:0:Id=truck", $"--BeidouHub:Receivers:0:Source={feed.Uri}");
        string output = Path.Combine(Path.GetTempPath(), $"beidouhub-node-{Guid.NewGuid():N}");
        string proto = Path.Combine(Repo.Root, "src", "Service", "Protos", "beidouhub.proto");
        var start = new ProcessStartInfo("sh")
        {
            WorkingDirectory = dir,
            ArgumentList = { "-c", $"exec node stream-positions.js 127.0.0.1:{service.Address.Port} '{proto}' 40 > '{output}.out' 2> '{output}.err'" },
        };
        using Process node = Process.Start(start)!;
        try
        {
            await Eventually.True(() => service.Hub.SubscriberCount == 1 || node.HasExited, "the node client subscribes");
            Assert.False(node.HasExited, File.ReadAllText(output + ".err"));
            await feed.AcceptAsync();

            await feed.SendAsync(PositionsServiceTests.Track(27.8280));

            await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(node.ExitCode == 0, File.ReadAllText(output + ".err") + " / " + service.Status);
            List<JsonElement> positions = File.ReadAllLines(output + ".out").Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal(40, positions.Count);
            Assert.Equal(Enumerable.Range(1, 40).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), positions.Select(p => p.GetProperty("sequence").GetString()));
            JsonElement last = positions[^1];
            Assert.Equal("truck", last.GetProperty("receiverId").GetString());
            Assert.Equal(27.828, last.GetProperty("latitude").GetDouble(), 7);
            Assert.Equal(4, last.GetProperty("quality").GetInt32());
            Assert.Equal("RTK_STATE_FIXED", last.GetProperty("rtk").GetString());
            Assert.Equal("FIX_MODE_3D", last.GetProperty("mode").GetString());
            Assert.Equal(4547, last.GetProperty("gridEpsg").GetInt32());
            Assert.InRange(last.GetProperty("northing").GetDouble(), 3_079_000, 3_081_000);
            Assert.True(last.GetProperty("gcj02Longitude").GetDouble() > last.GetProperty("longitude").GetDouble());
            Assert.Equal(6, last.GetProperty("beidouUsed").GetInt32());
            Assert.Equal(6, last.GetProperty("satellites").GetInt32());
            Assert.Equal("CONSTELLATION_BEIDOU", last.GetProperty("firstSatellite").GetProperty("constellation").GetString());
            Assert.Equal("1", last.GetProperty("firstSatellite").GetProperty("signal").GetString());
            Assert.Equal(new DateTimeOffset(2026, 11, 27, 3, 0, 3, 900, TimeSpan.Zero).ToUnixTimeSeconds(), last.GetProperty("time").GetInt64());
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill();
            }

            File.Delete(output + ".out");
            File.Delete(output + ".err");
        }
    }

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
}
