using BeidouHub.Protocol.V1;
using BeidouHub.Service.Security;
using BeidouHub.Service.Tests.Security;
using BeidouHub.Service.Verbs;

namespace BeidouHub.Service.Tests.Verbs;

public class WatchVerbTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task RunAsync_Help_UsageOnStdoutExitZero(string help)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await WatchVerb.RunAsync(["--sky", help], stdout, stderr, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.StartsWith("usage: beidouhub watch", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("--ca FILE", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("$BEIDOUHUB_TOKEN", stdout.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, stderr.ToString());
    }

    [Theory]
    [InlineData("--min-quality|best", "watch: --min-quality 'best': expected one of any, fix, dgps, float, fixed")]
    [InlineData("--rate|0", "watch: --rate '0': expected a rate in Hz greater than 0, e.g. 1 or 0.2")]
    [InlineData("--count|-3", "watch: --count '-3': expected a whole number from 1 to 9223372036854775807")]
    [InlineData("--url|ftp://127.0.0.1:1", "watch: --url 'ftp://127.0.0.1:1': expected http://host:port or https://host:port")]
    [InlineData("--receiver", "watch: option '--receiver' needs a value")]
    [InlineData("--sky=yes", "watch: option '--sky' takes no value")]
    [InlineData("--follow", "watch: unknown option '--follow' (see beidouhub watch --help)")]
    [InlineData("truck-1", "watch: unexpected argument 'truck-1' (see beidouhub watch --help)")]
    [InlineData("--ca|ca.pem", "watch: --ca needs an https:// --url (the service at http://127.0.0.1:50051 is plain)")]
    [InlineData("--url|https://127.0.0.1:1|--cert|client.pem", "watch: --cert and --key go together (a client certificate and its private key)")]
    [InlineData("--url|http://192.0.2.1:50051|--token|secret", "watch: not sending the token in clear to 192.0.2.1: use an https:// --url")]
    public async Task RunAsync_UsageError_ExitsTwoWithOneLineNamingIt(string args, string line)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await WatchVerb.RunAsync(args.Split('|'), stdout, stderr, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Equal(line + Environment.NewLine, stderr.ToString());
        Assert.Equal(string.Empty, stdout.ToString());
    }

    [Fact]
    public async Task RunAsync_CaFileMissing_OneLineNamingTheFile()
    {
        var stderr = new StringWriter();
        string missing = Path.Combine(Path.GetTempPath(), $"no-such-ca-{Guid.NewGuid():N}.pem");

        int exit = await WatchVerb.RunAsync(["--url", "https://127.0.0.1:1", "--ca", missing], new StringWriter(), stderr, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Equal($"watch: --ca '{missing}': file not found{Environment.NewLine}", stderr.ToString());
    }

    /// <summary>
    /// What the service sees: a loopback HTTP/2 endpoint that records the authorization header of
    /// each call and answers UNAUTHENTICATED, as the service does to a bad token.
    /// </summary>
    [Theory]
    [InlineData("--token|abc", null, "Bearer abc")]
    [InlineData("", "from-env", "Bearer from-env")]
    [InlineData("--token|abc", "from-env", "Bearer abc")]
    [InlineData("", null, "")]
    public async Task RunAsync_Token_SentAsBearerOnTheCallOptionWinsOverEnvironment(string args, string? environment, string header)
    {
        await using TlsHeaderCapture capture = await TlsHeaderCapture.StartAsync();
        string? saved = Environment.GetEnvironmentVariable(TlsClientOptions.TokenVariable);
        Environment.SetEnvironmentVariable(TlsClientOptions.TokenVariable, environment);
        try
        {
            var stderr = new StringWriter();
            string[] all = ["--url", capture.Url, "--count", "1", .. args.Split('|', StringSplitOptions.RemoveEmptyEntries)];

            int exit = await WatchVerb.RunAsync(all, new StringWriter(), stderr, CancellationToken.None);

            Assert.Equal(1, exit);
            Assert.Equal($"watch: Unauthenticated: bad token{Environment.NewLine}", stderr.ToString());
            Assert.Equal([header], capture.Authorization);
        }
        finally
        {
            Environment.SetEnvironmentVariable(TlsClientOptions.TokenVariable, saved);
        }
    }

    [Fact]
    public void FormatReceiver_Faulted_ShowsTheStateFaultsAndError()
    {
        var s = new ReceiverStatus
        {
            Id = "gate-1",
            Source = "tcp://10.0.0.7:5017",
            State = ConnectionState.Faulted,
            Sentences = 420,
            Epochs = 60,
            Reconnects = 1,
            Faults = 2,
            LastError = "InvalidOperationException: broken",
        };

        string line = WatchVerb.FormatReceiver(s);

        Assert.Equal("gate-1       faulted            420 sentences       60 epochs 0 bad checksums 1 reconnects 2 faults tcp://10.0.0.7:5017  last error: InvalidOperationException: broken", line);
    }

    [Fact]
    public async Task RunAsync_Alerts_OpenAlertThenStartAndEndAsLines()
    {
        await using Support.ServiceFixture service = await Support.ServiceFixture.StartAsync();
        var start = new DateTime(2026, 12, 5, 2, 0, 0, DateTimeKind.Utc);
        var rtk = new Service.Integrity.IntegrityAlert("rtk-fixed-lost/truck-1/1", Service.Integrity.AlertKind.RtkFixedLost, Service.Integrity.AlertSeverity.Warning, false, start, null, ["truck-1"], "truck-1: RTK fixed lost (now float)");
        service.Hub.Publish(rtk);
        var stdout = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Task<int> watch = WatchVerb.RunAsync(["--url", service.Address.ToString(), "--alerts", "--count", "3"], stdout, new StringWriter(), stop.Token);
        await Testing.Eventually.True(() => service.Hub.SubscriberCount == 1, "watch subscribed");

        var jam = new Service.Integrity.IntegrityAlert("jamming/park/1", Service.Integrity.AlertKind.Jamming, Service.Integrity.AlertSeverity.Critical, true, start.AddSeconds(5), null, ["a", "b", "c"], "park: jamming");
        service.Hub.Publish(jam);
        service.Hub.Publish(jam with { End = start.AddSeconds(65) });

        Assert.Equal(0, await watch);
        Assert.Equal(
            [
                "OPEN  warning  RtkFixedLost       since 2026-12-05T02:00:00Z  truck-1: RTK fixed lost (now float)",
                "START CRITICAL Jamming            since 2026-12-05T02:00:05Z  park: jamming [3 receivers: a,b,c]",
                "END   CRITICAL Jamming            2026-12-05T02:00:05Z to 02:01:05Z (60 s)  park: jamming [3 receivers: a,b,c]",
            ],
            stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
    }
}
