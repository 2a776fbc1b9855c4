using BeidouHub.Service.Configuration;
using BeidouHub.Service.Verbs;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BeidouHub.Service.Tests.Configuration;

/// <summary>
/// Every value of the BeidouHub section against its range, as an operator meets it: `serve` with the
/// value prints exactly one line naming the key, and exits 1 before anything listens.
/// </summary>
public class BeidouHubOptionsValidatorTests
{
    private static readonly string[] OneSimReceiver = ["--BeidouHub:Receivers:0:Id=a", "--BeidouHub:Receivers:0:Source=sim://"];

    public static TheoryData<string, string> BadValues => new()
    {
        { "SummaryInterval=00:00:00", "BeidouHub:SummaryInterval: must be at least 1 s (was 00:00:00)" },
        { "SummaryInterval=-00:00:05", "BeidouHub:SummaryInterval: must be at least 1 s (was -00:00:05)" },
        { "SummaryInterval=2.00:00:00", "BeidouHub:SummaryInterval: must be at most 1 d (was 2.00:00:00)" },
        { "SlowSubscriberTimeout=00:00:00", "BeidouHub:SlowSubscriberTimeout: must be at least 1 s (was 00:00:00)" },
        { "SlowSubscriberTimeout=02:00:00", "BeidouHub:SlowSubscriberTimeout: must be at most 1 h (was 02:00:00)" },
        { "SubscriberQueue=8", "BeidouHub:SubscriberQueue: must be at least 16 (was 8)" },
        { "SubscriberQueue=2000000", "BeidouHub:SubscriberQueue: must be at most 1048576 (was 2000000)" },
        { "RecordingsDirectory= ", "BeidouHub:RecordingsDirectory: must name a folder (was ' ')" },
        { "Listen=http://example.com:50051", "BeidouHub:Listen: must be http://IP:port or https://IP:port (with BeidouHub:Tls), e.g. http://127.0.0.1:50051 (was 'http://example.com:50051')" },
        { "Listen=ftp://127.0.0.1:50051", "BeidouHub:Listen: must be http://IP:port or https://IP:port (with BeidouHub:Tls), e.g. http://127.0.0.1:50051 (was 'ftp://127.0.0.1:50051')" },
        { "Listen=https://127.0.0.1:50051", "BeidouHub:Listen 'https://127.0.0.1:50051' needs a certificate: BeidouHub:Tls:CertificateFile and KeyFile, or PfxFile ('beidouhub tls-dev' makes one to try)" },
        { "Receivers:0:BackoffCap=00:00:00", "BeidouHub:Receivers:0:BackoffCap: must be at least 100 ms (was 00:00:00)" },
        { "Receivers:0:BackoffCap=1.00:00:00", "BeidouHub:Receivers:0:BackoffCap: must be at most 1 h (was 1.00:00:00)" },
        { "Receivers:0:StaleAfter=00:00:00.050", "BeidouHub:Receivers:0:StaleAfter: must be at least 100 ms (was 00:00:00.0500000)" },
        { "Receivers:0:StaleAfter=02:00:00", "BeidouHub:Receivers:0:StaleAfter: must be at most 1 h (was 02:00:00)" },
        { "Receivers:0:MaxSentenceLength=8", "BeidouHub:Receivers:0:MaxSentenceLength: must be at least 16 (was 8)" },
        { "Receivers:0:MaxSentenceLength=100000", "BeidouHub:Receivers:0:MaxSentenceLength: must be at most 60000 (was 100000)" },
        { "Geo:ZoneMarginMetres=-1", "BeidouHub:Geo:ZoneMarginMetres: must be at least 0 (was -1)" },
        { "Geo:ZoneMarginMetres=NaN", "BeidouHub:Geo:ZoneMarginMetres: must be a number (was NaN)" },
        { "Geo:ZoneMarginMetres=5000", "BeidouHub:Geo:ZoneMarginMetres: must be at most 1000 (was 5000)" },
        { "Geo:ZoneConfirmEpochs=0", "BeidouHub:Geo:ZoneConfirmEpochs: must be at least 1 (was 0)" },
        { "Geo:ZoneDwellSeconds=-5", "BeidouHub:Geo:ZoneDwellSeconds: must be at least 0 (was -5)" },
        { "Geo:Park:OriginNorthing=3082900|Geo:Park:OriginEasting=418000|Geo:Park:Scale=0", "BeidouHub:Geo:Park:Scale: must be greater than 0 and at most 10 (was 0)" },
        { "Geo:Park:OriginNorthing=3082900|Geo:Park:OriginEasting=418000|Geo:Park:RotationDeg=400", "BeidouHub:Geo:Park:RotationDeg: must be at most 360 (was 400)" },
        { "Geo:Park:OriginNorthing=3082900|Geo:Park:OriginEasting=Infinity", "BeidouHub:Geo:Park:OriginEasting: must be a finite number (was Infinity)" },
        { "Geo:Park:ControlPoints:0:Id=p|Geo:Park:ControlPoints:0:Northing=NaN", "BeidouHub:Geo:Park:ControlPoints:0:Northing: must be a finite number (was NaN)" },
        { "Web:MapRateHz=0", "BeidouHub:Web:MapRateHz: must be at least 0.1 (was 0)" },
        { "Web:Enabled=true|Web:Listen=http://0.0.0.0:8080", "BeidouHub:Web:Listen 'http://0.0.0.0:8080' would serve positions unencrypted to the network: listen on https:// with a BeidouHub:Tls certificate ('beidouhub tls-dev' makes one to try), on 127.0.0.1, or set BeidouHub:Tls:AllowInsecure=true" },
        { "Web:Enabled=true|Web:Listen=https://127.0.0.1:8080", "BeidouHub:Web:Listen 'https://127.0.0.1:8080' needs a certificate: BeidouHub:Tls:CertificateFile and KeyFile, or PfxFile ('beidouhub tls-dev' makes one to try)" },
        { "Web:Enabled=true|Web:Listen=http://park-hub:8080", "BeidouHub:Web:Listen 'http://park-hub:8080': give an IP address (127.0.0.1, 0.0.0.0, [::1], [::])" },
        { "Metrics:Enabled=true|Metrics:Listen=http://0.0.0.0:9464", "BeidouHub:Metrics:Listen 'http://0.0.0.0:9464' would serve the metrics (receiver ids, counters) unencrypted to the network: listen on https:// with a BeidouHub:Tls certificate ('beidouhub tls-dev' makes one to try), on 127.0.0.1, or set BeidouHub:Tls:AllowInsecure=true" },
        { "Metrics:Enabled=true|Metrics:Listen=https://127.0.0.1:9464", "BeidouHub:Metrics:Listen 'https://127.0.0.1:9464' needs a certificate: BeidouHub:Tls:CertificateFile and KeyFile, or PfxFile ('beidouhub tls-dev' makes one to try)" },
        { "Web:Tiles:Url=https://tiles.example/{z}/{x}.png", "BeidouHub:Web:Tiles:Url: must be an http(s) URL template with {x}, {y} and {z} (was 'https://tiles.example/{z}/{x}.png')" },
        { "Web:Tiles:Url=https://tiles.example/{z}/{x}/{y}.png|Web:Tiles:MaxZoom=30", "BeidouHub:Web:Tiles:MaxZoom: must be at most 23 (was 30)" },
        { "History:Enabled=true|History:Path= ", "BeidouHub:History:Path: must name the SQLite file, e.g. data/history.db (was ' '), or set BeidouHub:History:Enabled=false" },
        { "History:FlushInterval=00:00:00", "BeidouHub:History:FlushInterval: must be at least 10 ms (was 00:00:00)" },
        { "History:FlushInterval=00:05:00", "BeidouHub:History:FlushInterval: must be at most 1 min (was 00:05:00)" },
        { "History:BatchSize=0", "BeidouHub:History:BatchSize: must be at least 1 (was 0)" },
        { "History:BufferLimit=10", "BeidouHub:History:BufferLimit: must be at least BatchSize (1000) (was 10)" },
        { "History:BufferLimit=20000000", "BeidouHub:History:BufferLimit: must be at most 10000000 (was 20000000)" },
        { "History:MaxRateHz=-1", "BeidouHub:History:MaxRateHz: must be at least 0 (was -1)" },
        { "History:MaxRateHz=NaN", "BeidouHub:History:MaxRateHz: must be a number (was NaN)" },
        { "History:KeepDays=-1", "BeidouHub:History:KeepDays: must be at least 0 (was -1)" },
        { "History:Enabled=true|History:Store=Postgres", "BeidouHub:History:ConnectionString: Store=Postgres needs an Npgsql connection string, e.g. Host=127.0.0.1;Port=5432;Database=beidouhub;Username=beidouhub;Password=..." },
        { "History:Enabled=true|History:Store=Postgres|History:ConnectionString=Database=park;Password=secret", "BeidouHub:History:ConnectionString: must name the server (Host=...)" },
        { "Cluster:Nats=http://10.0.0.5:4222", "BeidouHub:Cluster:Nats: 'http://10.0.0.5:4222' is not a NATS server URL like nats://127.0.0.1:4222 (schemes nats, tls, ws, wss, with the port)" },
        { "Cluster:Nats=nats://u:secret@10.0.0.5:4222,ftp://u:secret@host:21", "BeidouHub:Cluster:Nats: 'ftp://host:21' is not a NATS server URL like nats://127.0.0.1:4222 (schemes nats, tls, ws, wss, with the port)" },
        { "Cluster:Nats=nats://127.0.0.1:4222|Cluster:NodeId=node a", "BeidouHub:Cluster:NodeId: 'node a' must be letters, digits, '-' or '_' (it names the node in leases and logs)" },
        { "Cluster:Nats=nats://127.0.0.1:4222|Cluster:Prefix=park.one", "BeidouHub:Cluster:Prefix: 'park.one' must be letters, digits, '-' or '_' (it starts every subject and bucket name)" },
        { "Cluster:HistoryStream=true", "BeidouHub:Cluster:HistoryStream needs BeidouHub:Cluster:Nats (the stream lives on the NATS cluster)" },
        { "Cluster:Nats=nats://127.0.0.1:4222|Cluster:HistoryStream=true", "BeidouHub:Cluster:HistoryStream needs a history store the nodes share: BeidouHub:History:Store=Postgres (with SQLite each node would keep a random share of the rows)" },
        { "Cluster:Nats=nats://127.0.0.1:4222|Cluster:LeaseTtl=00:00:00.500", "BeidouHub:Cluster:LeaseTtl: must be at least 1 s (was 00:00:00.5000000)" },
        { "Cluster:Nats=nats://127.0.0.1:4222|Cluster:CredentialsFile=/nonexistent/park.creds", "BeidouHub:Cluster:CredentialsFile: file '/nonexistent/park.creds' not found" },
        { "Integrity:ConfirmAfter=-00:00:01", "BeidouHub:Integrity:ConfirmAfter: must be at least 0 ms (was -00:00:01)" },
        { "Integrity:JumpHold=00:00:00", "BeidouHub:Integrity:JumpHold: must be at least 1 s (was 00:00:00)" },
        { "Integrity:MaxCorrectionAgeSeconds=0", "BeidouHub:Integrity:MaxCorrectionAgeSeconds: must be at least 0.1 (was 0)" },
        { "Integrity:MaxHorizontalSigmaMetres=NaN", "BeidouHub:Integrity:MaxHorizontalSigmaMetres: must be a number (was NaN)" },
        { "Integrity:Cn0MinFraction=1.5", "BeidouHub:Integrity:Cn0MinFraction: must be at most 1 (was 1.5)" },
        { "Integrity:ParkMinReceivers=1", "BeidouHub:Integrity:ParkMinReceivers: must be at least 2 (was 1)" },
        { "Integrity:References:0:Receiver=gate-1|Integrity:References:0:Latitude=95", "BeidouHub:Integrity:References:0:Latitude: must be at most 90 (was 95)" },
        { "Integrity:References:0:Latitude=27.8", "BeidouHub:Integrity:References:0:Receiver: must name the reference receiver" },
        { "Integrity:References:0:Receiver=g|Integrity:References:1:Receiver=g", "BeidouHub:Integrity:References:1:Receiver: 'g' is a reference twice" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task Serve_OneBadValue_ExactlyItsLineAndExitOne(string values, string expected)
    {
        var stderr = new StringWriter();

        int exit = await ServeVerb.RunAsync([.. OneSimReceiver, .. Args(values)], stderr);

        Assert.Equal(1, exit);
        Assert.Equal([$"beidouhub: {expected}"], Lines(stderr));
    }

    [Fact]
    public async Task Serve_SeveralBadValues_EveryLineAtOnce()
    {
        var stderr = new StringWriter();

        int exit = await ServeVerb.RunAsync(
            ["--BeidouHub:Receivers:0:Id=a", "--BeidouHub:Receivers:0:Source=ftp://x", .. Args("SummaryInterval=00:00:00|SubscriberQueue=8|Geo:ZoneConfirmEpochs=0|Receivers:0:StaleAfter=00:00:00")],
            stderr);

        Assert.Equal(1, exit);
        Assert.Equal(
            [
                "beidouhub: BeidouHub:SubscriberQueue: must be at least 16 (was 8)",
                "beidouhub: BeidouHub:SummaryInterval: must be at least 1 s (was 00:00:00)",
                "beidouhub: BeidouHub:Receivers:0:StaleAfter: must be at least 100 ms (was 00:00:00)",
                "beidouhub: BeidouHub:Geo:ZoneConfirmEpochs: must be at least 1 (was 0)",
                "beidouhub: BeidouHub:Receivers:0 (a): 'ftp://x': unknown scheme 'ftp' (expected serial, tcp, replay, sim or history)",
            ],
            Lines(stderr));
    }

    [Fact]
    public async Task TryCreate_EveryValueSetWithinItsRange_NoError()
    {
        string[] args =
        [
            .. OneSimReceiver,
            .. Args("Listen=http://127.0.0.1:0|SummaryInterval=00:00:01|SlowSubscriberTimeout=01:00:00|SubscriberQueue=16|RecordingsDirectory=rec"
                + "|Receivers:0:BackoffCap=00:00:00.100|Receivers:0:StaleAfter=01:00:00|Receivers:0:MaxSentenceLength=60000"
                + "|Geo:ZoneMarginMetres=0|Geo:ZoneConfirmEpochs=1|Geo:ZoneDwellSeconds=0"
                + "|Geo:Park:OriginNorthing=3082900|Geo:Park:OriginEasting=418000|Geo:Park:RotationDeg=-360|Geo:Park:Scale=10"
                + "|Integrity:ConfirmAfter=00:00:00|Integrity:ClearAfter=01:00:00|Integrity:JumpHold=00:00:01|Integrity:ParkMinReceivers=2|Integrity:Cn0MinFraction=1"
                + "|Integrity:References:0:Receiver=a|Integrity:References:0:Latitude=-90|Integrity:References:0:Longitude=180|Integrity:References:0:MaxDriftMetres=0.001"),
        ];

        Assert.True(ServiceApp.TryCreate(args, out WebApplication? app, out List<string> errors), string.Join("\n", errors));
        await app!.DisposeAsync();
    }

    [Fact]
    public void Check_Defaults_NoError()
    {
        Assert.Empty(new BeidouHubOptionsValidator(checkListen: true).Check(new BeidouHubOptions()));
    }

    [Fact]
    public async Task TryCreate_KestrelEndpointsConfigured_ListenNotChecked()
    {
        string[] args = [.. OneSimReceiver, "--BeidouHub:Listen=not a url", "--Kestrel:Endpoints:h2:Url=http://127.0.0.1:0", "--Kestrel:Endpoints:h2:Protocols=Http2"];

        Assert.True(ServiceApp.TryCreate(args, out WebApplication? app, out List<string> errors), string.Join("\n", errors));
        await app!.DisposeAsync();
    }

    [Fact]
    public async Task OptionsFactory_ValueChangedAfterStart_SameRuleRejectsIt()
    {
        // What a reload meets: the options the service resolves are checked by the same validator.
        Assert.True(ServiceApp.TryCreate([.. OneSimReceiver, "--BeidouHub:Listen=http://127.0.0.1:0"], out WebApplication? created, out List<string> errors), string.Join("\n", errors));
        await using WebApplication app = created!;
        {
            Assert.Equal(TimeSpan.FromSeconds(60), app.Services.GetRequiredService<IOptions<BeidouHubOptions>>().Value.SummaryInterval);
            app.Configuration["BeidouHub:SummaryInterval"] = "00:00:00";

            OptionsValidationException e = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptionsFactory<BeidouHubOptions>>().Create(Options.DefaultName));

            Assert.Equal(["BeidouHub:SummaryInterval: must be at least 1 s (was 00:00:00)"], e.Failures);
        }
    }

    private static IEnumerable<string> Args(string values) => values.Split('|').Select(v => "--BeidouHub:" + v);

    private static List<string> Lines(StringWriter writer) => [.. writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];
}
