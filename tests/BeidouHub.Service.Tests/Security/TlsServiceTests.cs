using BeidouHub.Protocol.V1;
using BeidouHub.Service.Tests.Api;
using BeidouHub.Service.Tests.Support;
using BeidouHub.Service.Verbs;
using Grpc.Core;
using Grpc.Net.Client;

namespace BeidouHub.Service.Tests.Security;

/// <summary>The real service over TLS with tls-dev certificates, and real clients: Grpc.Net.Client and the watch verb.</summary>
public class TlsServiceTests
{
    [Fact]
    public async Task StreamPositions_GrpcNetClientTrustingTheTlsDevCa_ReceivesPositionsOverTls()
    {
        using TlsTestFiles tls = TlsTestFiles.Create();
        await using var feed = new ReceiverFeed();
        await using ServiceFixture service = await ServiceFixture.StartAsync([.. tls.ServeArguments("--BeidouHub:Receivers:0:Id=truck", $"--BeidouHub:Receivers:0:Source={feed.Uri}")]);
        using GrpcChannel channel = tls.Channel(service.Address);
        var client = new Positions.PositionsClient(channel);
        using AsyncServerStreamingCall<Position> call = client.StreamPositions(new StreamPositionsRequest { MinQuality = MinQuality.RtkFixed });
        await Eventually.True(() => service.Hub.SubscriberCount == 1, "subscribed over TLS");
        await feed.AcceptAsync();

        await feed.SendAsync(PositionsServiceTests.Track(27.8280));

        Assert.True(await call.ResponseStream.MoveNext().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("https", service.Address.Scheme);
        Assert.Equal("truck", call.ResponseStream.Current.ReceiverId);
        Assert.Equal(27.828, call.ResponseStream.Current.Latitude, 7);
    }

    [Fact]
    public async Task Watch_OverTlsWithCa_OneLinePerPosition()
    {
        using TlsTestFiles tls = TlsTestFiles.Create();
        await using var feed = new ReceiverFeed();
        await using ServiceFixture service = await ServiceFixture.StartAsync([.. tls.ServeArguments("--BeidouHub:Receivers:0:Id=truck-7", $"--BeidouHub:Receivers:0:Source={feed.Uri}")]);
        await feed.AcceptAsync();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Task<int> watch = WatchVerb.RunAsync(["--url", service.Address.ToString(), "--ca", tls.Ca, "--min-quality", "fixed", "--count", "3"], stdout, stderr, CancellationToken.None);
        await Eventually.True(() => service.Hub.SubscriberCount == 1 || watch.IsCompleted, "watch subscribed over TLS");
        Assert.False(watch.IsCompleted, stderr.ToString());

        await feed.SendAsync(PositionsServiceTests.Track(27.8280));

        Assert.Equal(0, await watch.WaitAsync(TimeSpan.FromSeconds(30)));
        string[] lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.Contains(" truck-7 ", l, StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Contains("RTK-fixed q4", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Watch_CaThatDidNotSignTheServer_RefusedInOneLine()
    {
        using TlsTestFiles tls = TlsTestFiles.Create();
        using TlsTestFiles other = TlsTestFiles.Create();
        await using ServiceFixture service = await ServiceFixture.StartAsync([.. tls.ServeArguments("--BeidouHub:Receivers:0:Id=a", "--BeidouHub:Receivers:0:Source=sim://")]);

        string line = await WatchFails(service, "--ca", other.Ca);

        Assert.StartsWith($"watch: TLS with 127.0.0.1:{service.Address.Port} failed: its certificate (CN=localhost, O=BeidouHub tls-dev, issued by CN=BeidouHub development CA", line, StringComparison.Ordinal);
        Assert.EndsWith($"is not signed by the CA in {other.Ca} (PartialChain)", line, StringComparison.Ordinal);
        Assert.Equal(0, service.Hub.SubscriberCount);
    }

    [Fact]
    public async Task Watch_NoCaAndACertificateThisMachineDoesNotTrust_RefusedInOneLineNamingCa()
    {
        using TlsTestFiles tls = TlsTestFiles.Create();
        await using ServiceFixture service = await ServiceFixture.StartAsync([.. tls.ServeArguments("--BeidouHub:Receivers:0:Id=a", "--BeidouHub:Receivers:0:Source=sim://")]);

        string line = await WatchFails(service);

        Assert.StartsWith($"watch: TLS with 127.0.0.1:{service.Address.Port} failed: its certificate (CN=localhost", line, StringComparison.Ordinal);
        Assert.EndsWith("is not trusted here (PartialChain); give the CA that signed it with --ca FILE", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_CertificateForAnotherName_RefusedInOneLineNamingBoth()
    {
        using TlsTestFiles tls = TlsTestFiles.Create("park-hub.example");
        await using ServiceFixture service = await ServiceFixture.StartAsync([.. tls.ServeArguments("--BeidouHub:Receivers:0:Id=a", "--BeidouHub:Receivers:0:Source=sim://")]);

        string line = await WatchFails(service, "--ca", tls.Ca);

        Assert.Equal($"watch: TLS with 127.0.0.1:{service.Address.Port} failed: its certificate is for park-hub.example, not for 127.0.0.1", line);
    }

    [Fact]
    public async Task Watch_MtlsRequiredWithoutClientCertificate_RefusedInOneLine()
    {
        using TlsTestFiles tls = TlsTestFiles.Create();
        await using ServiceFixture service = await ServiceFixture.StartAsync(
            [.. tls.ServeArguments("--BeidouHub:Receivers:0:Id=a", "--BeidouHub:Receivers:0:Source=sim://", "--BeidouHub:Tls:ClientCertificates=Require", $"--BeidouHub:Tls:ClientCaFile={tls.Ca}")]);

        string line = await WatchFails(service, "--ca", tls.Ca);

        Assert.Equal($"watch: TLS with 127.0.0.1:{service.Address.Port} failed: the service closed the connection after the handshake: it wants a client certificate signed by its CA (give --cert and --key)", line);
        Assert.Equal(0, service.Hub.SubscriberCount);
    }

    [Fact]
    public async Task Watch_MtlsRequiredWithClientCertificateOfAnotherCa_Refused()
    {
        using TlsTestFiles tls = TlsTestFiles.Create();
        using TlsTestFiles other = TlsTestFiles.Create();
        await using ServiceFixture service = await ServiceFixture.StartAsync(
            [.. tls.ServeArguments("--BeidouHub:Receivers:0:Id=a", "--BeidouHub:Receivers:0:Source=sim://", "--BeidouHub:Tls:ClientCertificates=Require", $"--BeidouHub:Tls:ClientCaFile={tls.Ca}")]);

        string line = await WatchFails(service, "--ca", tls.Ca, "--cert", other.Files.Client, "--key", other.Files.ClientKey);

        Assert.Equal($"watch: TLS with 127.0.0.1:{service.Address.Port} failed: the service closed the connection after the handshake: it did not take the client certificate in {other.Files.Client} (not signed by the CA it trusts for clients?)", line);
        Assert.Equal(0, service.Hub.SubscriberCount);
    }

    [Theory]
    [InlineData("Require")]
    [InlineData("Allow")]
    public async Task Watch_MtlsWithTheTlsDevClientCertificate_Streams(string mode)
    {
        using TlsTestFiles tls = TlsTestFiles.Create();
        await using ServiceFixture service = await ServiceFixture.StartAsync(
            [.. tls.ServeArguments("--BeidouHub:Receivers:0:Id=a", "--BeidouHub:Receivers:0:Source=sim://?rate=10", $"--BeidouHub:Tls:ClientCertificates={mode}", $"--BeidouHub:Tls:ClientCaFile={tls.Ca}")]);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await WatchVerb.RunAsync(["--url", service.Address.ToString(), "--ca", tls.Ca, "--cert", tls.Files.Client, "--key", tls.Files.ClientKey, "--count", "2"], stdout, stderr, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, stderr.ToString());
        Assert.Equal(2, stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Watch_MtlsAllowedWithoutClientCertificate_Streams()
    {
        using TlsTestFiles tls = TlsTestFiles.Create();
        await using ServiceFixture service = await ServiceFixture.StartAsync(
            [.. tls.ServeArguments("--BeidouHub:Receivers:0:Id=a", "--BeidouHub:Receivers:0:Source=sim://?rate=10", "--BeidouHub:Tls:ClientCertificates=Allow", $"--BeidouHub:Tls:ClientCaFile={tls.Ca}")]);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await WatchVerb.RunAsync(["--url", service.Address.ToString(), "--ca", tls.Ca, "--count", "1"], stdout, stderr, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, stderr.ToString());
        Assert.Single(stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static async Task<string> WatchFails(ServiceFixture service, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await WatchVerb.RunAsync(["--url", service.Address.ToString(), "--count", "1", .. args], stdout, stderr, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, stdout.ToString());
        return Assert.Single(stderr.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }
}
