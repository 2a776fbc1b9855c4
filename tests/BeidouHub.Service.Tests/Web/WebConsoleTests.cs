using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using BeidouHub.Protocol.V1;
using BeidouHub.Service.Tests.Api;
using BeidouHub.Service.Tests.Support;
using BeidouHub.Service.Verbs;
using Grpc.Core;
using Microsoft.Playwright;
using Position = BeidouHub.Protocol.V1.Position;

namespace BeidouHub.Service.Tests.Web;

/// <summary>
/// The web console in a real browser: Debian's Chromium driven by Playwright for .NET against the
/// real service, checked against what the same API tells a gRPC client (and `watch`) at the same
/// epoch. Screenshots go to TestResults/web-console/ as artefacts.
/// </summary>
public sealed partial class WebConsoleTests
{
    private const string Chromium = "/usr/bin/chromium";

    private static readonly string Artefacts = Path.Combine(Repo.Root, "TestResults", "web-console");

    [SkippableFact]
    public async Task Map_SeedReceivers_EachShowsTheFixTheApiReportsForTheSameEpoch()
    {
        await using ServiceFixture service = await ServiceFixture.StartAsync(WebConsoleConfig.On);
        using var api = new PositionsServiceTests.Collector(new Positions.PositionsClient(service.Channel), new StreamPositionsRequest());
        await using Browser browser = await Browser.OpenAsync(service.WebAddress!);
        IPage page = browser.Page;

        await Eventually.True(async () => await page.Locator("#receiver-list li[data-sequence]:not([data-sequence=''])").CountAsync() == 3, "three receivers listed with a position", 30);
        Assert.Equal(["gate-1", "truck-1", "walker-1"], await page.Locator("#receiver-list li").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.id)"));

        // Rows seen over a few seconds: each (receiver, sequence) shown has the class the API's
        // position of that epoch gives (the classes: ExpectedFix, the page's legend).
        var checkedRows = new HashSet<(string, ulong)>();
        var classes = new HashSet<string>();
        for (int round = 0; round < 8 || checkedRows.Select(r => r.Item1).Distinct().Count() < 3; round++)
        {
            Assert.True(round < 40, "no round saw every receiver's row at an epoch the API has delivered");
            foreach (Row row in await Rows(page))
            {
                Position? expected = null;
                await Eventually.True(() => (expected = api.Items.LastOrDefault(p => p.ReceiverId == row.Id && p.Sequence == row.Sequence)) is not null, $"the API delivered {row.Id} #{row.Sequence}");
                Assert.True(ExpectedFix(expected!) == row.Fix, $"{row.Id} #{row.Sequence}: the page shows '{row.Fix}', the API's position (quality {expected!.Quality}, rtk {expected.Rtk}, mode {expected.Mode}) is '{ExpectedFix(expected)}'");
                checkedRows.Add((row.Id, row.Sequence));
                classes.Add(row.Fix);
            }

            await Task.Delay(500);
        }

        // The truck is an RTK rover and the walker autonomous: not all one class.
        Assert.True(classes.Count >= 2, $"classes seen: {string.Join(", ", classes)}");
        JsonElement markers = await Markers(page);
        Assert.Equal(3, markers.GetArrayLength());
        await Screenshot(page, "map.png");
        browser.AssertNoPageErrors();
    }

    [SkippableFact]
    public async Task Map_TruckDrives_ItsMarkerMovesOnThePage()
    {
        await using ServiceFixture service = await ServiceFixture.StartAsync([.. WebConsoleConfig.On,
            "--BeidouHub:Receivers:0:Id=truck-1", $"--BeidouHub:Receivers:0:Source=replay://{Repo.Seed("park-vehicle-rtk-10hz.nmea")}?speed=2&loop=true"]);
        await using Browser browser = await Browser.OpenAsync(service.WebAddress!);

        double[] first = [];
        await Eventually.True(async () => (first = await MarkerCoordinate(browser.Page, "truck-1")).Length == 2, "truck-1 on the map", 30);
        double moved = 0;
        await Eventually.True(async () =>
        {
            double[] now = await MarkerCoordinate(browser.Page, "truck-1");
            moved = Math.Sqrt(Math.Pow(now[0] - first[0], 2) + Math.Pow(now[1] - first[1], 2));
            return moved > 20;
        }, "truck-1's marker moved 20 m", 30);
        int markers = await browser.Page.EvaluateAsync<int>("() => window.beidouhubConsole.markers().length");
        Assert.Equal(1, markers);
        browser.AssertNoPageErrors();
    }

    [SkippableFact]
    public async Task Sky_Truck_CountsPerConstellationEqualWatchSkyForTheSameReport()
    {
        await using ServiceFixture service = await ServiceFixture.StartAsync(WebConsoleConfig.On);
        var skies = new ConcurrentDictionary<ulong, SkyView>();
        using var cancel = new CancellationTokenSource();
        using AsyncServerStreamingCall<SkyView> call = new Positions.PositionsClient(service.Channel).StreamSky(new StreamSkyRequest { ReceiverIds = { "truck-1" } }, cancellationToken: cancel.Token);
        Task reading = Task.Run(async () =>
        {
            try
            {
                await foreach (SkyView v in call.ResponseStream.ReadAllAsync(cancel.Token))
                {
                    skies[v.Sequence] = v;
                }
            }
            catch (Exception e) when (e is OperationCanceledException || (e is RpcException r && r.StatusCode == StatusCode.Cancelled))
            {
                // Stopped by the test.
            }
        });
        await using Browser browser = await Browser.OpenAsync(service.WebAddress!, "#sky");
        IPage page = browser.Page;
        await Eventually.True(async () => await page.Locator("#sky-receiver option[value='truck-1']").CountAsync() == 1, "truck-1 to choose", 30);
        await page.Locator("#sky-receiver").SelectOptionAsync("truck-1");

        for (int round = 0; round < 3; round++)
        {
            ulong sequence = 0;
            await Eventually.True(async () => ulong.TryParse(await page.Locator("#sky").GetAttributeAsync("data-sequence"), out sequence) && sequence > 0, "a sky report on the page", 30);
            // Read the counts of that report before the page moves on to the next one.
            var shown = await page.EvaluateAsync<JsonElement>("""
                () => ({ sequence: document.getElementById('sky').dataset.sequence,
                         counts: [...document.querySelectorAll('#sky-counts li')].map(li => [li.dataset.constellation, +li.dataset.used, +li.dataset.inView]),
                         orbits: [...document.querySelectorAll('#sky g[data-orbit]:not([data-orbit=""])')].map(g => g.dataset.orbit) })
                """);
            sequence = ulong.Parse(shown.GetProperty("sequence").GetString()!, CultureInfo.InvariantCulture);
            SkyView? sky = null;
            await Eventually.True(() => skies.TryGetValue(sequence, out sky), $"the API's sky report #{sequence}");

            // `watch --sky` prints "| BEIDOU 12/20:" per constellation: used / in view, distinct satellites.
            string watch = WatchVerb.FormatSky(sky!);
            var expected = WatchCounts().Matches(watch).Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value}/{m.Groups[3].Value}").Order(StringComparer.Ordinal).ToList();
            var onPage = shown.GetProperty("counts").EnumerateArray().Select(c => $"{c[0].GetString()!.ToUpperInvariant()} {c[1].GetInt32()}/{c[2].GetInt32()}").Order(StringComparer.Ordinal).ToList();
            Assert.True(expected.Count >= 2, watch);
            Assert.Equal(expected, onPage);

            // BeiDou's three orbit kinds are drawn apart (the seed's sky has all three).
            string[] orbits = [.. shown.GetProperty("orbits").EnumerateArray().Select(o => o.GetString()!)];
            Assert.Contains("GEO", orbits);
            Assert.Contains("IGSO", orbits);
            Assert.Contains("MEO", orbits);
            await Task.Delay(1200);
        }

        Assert.True(await page.Locator("#cn0 .bar").CountAsync() > 10, "C/N0 bars per satellite and signal");
        Assert.True(await page.Locator("#cn0 .bar[title*='B2a']").CountAsync() > 0, "BeiDou B2a signals named");
        await Screenshot(page, "sky.png");
        browser.AssertNoPageErrors();
        await cancel.CancelAsync();
        await reading;
    }

    [SkippableFact]
    public async Task Events_TruckEntersTheLoadingDock_TheEventShowsAsTheApiSendsIt()
    {
        await using ServiceFixture service = await ServiceFixture.StartAsync([.. WebConsoleConfig.On,
            "--BeidouHub:Receivers:0:Id=truck-1", $"--BeidouHub:Receivers:0:Source=replay://{Repo.Seed("park-vehicle-rtk-10hz.nmea")}?speed=10&loop=true",
            .. DockZone(0)]);
        var events = new ConcurrentQueue<ZoneEvent>();
        using var cancel = new CancellationTokenSource();
        using AsyncServerStreamingCall<ZoneEvent> call = new Positions.PositionsClient(service.Channel).StreamZoneEvents(new StreamZoneEventsRequest(), cancellationToken: cancel.Token);
        Task reading = Task.Run(async () =>
        {
            try
            {
                await foreach (ZoneEvent e in call.ResponseStream.ReadAllAsync(cancel.Token))
                {
                    events.Enqueue(e);
                }
            }
            catch (Exception e) when (e is OperationCanceledException || (e is RpcException r && r.StatusCode == StatusCode.Cancelled))
            {
                // Stopped by the test.
            }
        });
        await using Browser browser = await Browser.OpenAsync(service.WebAddress!, "#events");
        IPage page = browser.Page;

        ILocator entered = page.Locator("#events li[data-kind='enter'][data-receiver='truck-1'][data-zone='loading-dock']");
        await Eventually.True(async () => await entered.CountAsync() > 0, "truck-1 entered loading-dock, on the page", 60);
        string text = await entered.First.TextContentAsync() ?? "";
        // The same Enter from the API: matched by its time, not taken as the API's first one (the
        // page may have connected after an earlier entry the API stream saw, and the loop repeats).
        await Eventually.True(
            () => events.Any(e => e.Kind == ZoneEventKind.Enter && e.ZoneId == "loading-dock" && e.ReceiverId == "truck-1"
                && text.StartsWith(e.Time.ToDateTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture), StringComparison.Ordinal)),
            $"the API's Enter event at the time the page shows ('{text}'; the API's: {string.Join(", ", events.Where(e => e.Kind == ZoneEventKind.Enter).Select(e => e.Time.ToDateTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)))})");
        Assert.Contains("truck-1 entered loading-dock", text, StringComparison.Ordinal);
        await Screenshot(page, "events.png");
        browser.AssertNoPageErrors();
        await cancel.CancelAsync();
        await reading;
    }

    [SkippableFact]
    public async Task Map_ReceiverFallsSilent_ItTurnsGrey()
    {
        await using var feed = new ReceiverFeed();
        await using ServiceFixture service = await ServiceFixture.StartAsync([.. WebConsoleConfig.On,
            "--BeidouHub:Receivers:0:Id=forklift-3", $"--BeidouHub:Receivers:0:Source={feed.Uri}", "--BeidouHub:Receivers:0:StaleAfter=00:00:02"]);
        await using Browser browser = await Browser.OpenAsync(service.WebAddress!);
        IPage page = browser.Page;
        await feed.AcceptAsync();
        await feed.SendAsync(PositionsServiceTests.Track(27.8618, count: 60));

        ILocator row = page.Locator("#receiver-list li[data-id='forklift-3']");
        await Eventually.True(async () => await row.GetAttributeAsync("data-fix") == "rtk-fixed", "forklift-3 RTK fixed (the track's quality 4)", 30);
        Assert.Equal("rtk-fixed", (await Markers(page))[0].GetProperty("fix").GetString());

        // Nothing more from the receiver: the service calls it stale, the page greys it.
        await Eventually.True(async () => await row.GetAttributeAsync("data-fix") == "stale", "forklift-3 grey", 30);
        Assert.Equal("stale", (await Markers(page))[0].GetProperty("fix").GetString());
        string colour = await row.Locator(".dot").EvaluateAsync<string>("d => getComputedStyle(d).backgroundColor");
        Assert.Equal("rgb(158, 158, 158)", colour);
        await page.Locator("nav [data-view='board']").ClickAsync();
        Assert.Equal("stale", await page.Locator("#board tr[data-id='forklift-3']").GetAttributeAsync("data-state"));
        await Screenshot(page, "board.png");
        browser.AssertNoPageErrors();
    }

    [SkippableFact]
    public async Task Console_ServiceWantsKeys_PageAsksForOneAndShowsOnlyItsScope()
    {
        (string key, string hash) = Service.Security.ApiKey.Generate();
        await using ServiceFixture service = await ServiceFixture.StartAsync([.. WebConsoleConfig.On,
            .. Security.Credentials.Application(0, "gatehouse", [hash], ["gate-*"], ["positions", "receivers", "zones"], ["grid"], zones: ["main-gate"])]);
        await using Browser browser = await Browser.OpenAsync(service.WebAddress!);
        IPage page = browser.Page;

        // No key yet: the service answers UNAUTHENTICATED and the page asks.
        await Eventually.True(async () => await page.Locator("#login[open]").CountAsync() == 1, "the key dialog", 30);
        Assert.Equal(0, await page.Locator("#receiver-list li").CountAsync());
        await page.Locator("#key").FillAsync("bh_wrong_" + new string('x', 40));
        await page.Locator("#login button[type=submit]").ClickAsync();
        await Eventually.True(async () => (await page.Locator("#login-error").TextContentAsync() ?? "").Contains("refused", StringComparison.Ordinal), "the wrong key refused", 30);

        await page.Locator("#key").FillAsync(key);
        await page.Locator("#login button[type=submit]").ClickAsync();
        await Eventually.True(async () => await page.Locator("#receiver-list li[data-sequence]:not([data-sequence=''])").CountAsync() == 1, "gate-1 listed", 30);
        await Task.Delay(2000); // the seeds' other receivers publish several times a second meanwhile
        Assert.Equal(["gate-1"], await page.Locator("#receiver-list li").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.id)"));
        Assert.Equal(["main-gate"], await page.Locator("#zone-list li").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.zone)"));
        browser.AssertNoPageErrors();
    }

    [SkippableFact]
    public async Task Console_OnAPhone_MapAndReceiverListFitTheScreen()
    {
        await using ServiceFixture service = await ServiceFixture.StartAsync(WebConsoleConfig.On);
        await using Browser browser = await Browser.OpenAsync(service.WebAddress!, viewport: new ViewportSize { Width = 390, Height = 844 });
        IPage page = browser.Page;
        await Eventually.True(async () => await page.Locator("#receiver-list li[data-sequence]:not([data-sequence=''])").CountAsync() == 3, "three receivers listed", 30);

        // Nothing wider than the screen; the map on top, the list under it, both on screen.
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 390, "no horizontal scrolling");
        LocatorBoundingBoxResult map = (await page.Locator("#map").BoundingBoxAsync())!;
        LocatorBoundingBoxResult list = (await page.Locator("#side").BoundingBoxAsync())!;
        Assert.True(map.Width >= 380 && map.Height >= 300, $"map {map.Width}x{map.Height}");
        Assert.True(list.Y >= map.Y + map.Height - 1 && list.Y < 844, $"list at y {list.Y}, map ends at {map.Y + map.Height}");
        await page.Locator("nav [data-view='sky']").ClickAsync();
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 390, "no horizontal scrolling in the sky view");
        await Screenshot(page, "phone-sky.png");
        browser.AssertNoPageErrors();
    }

    [SkippableFact]
    public async Task Map_TrackReplay_DrawsTheTrackTheHistoryApiStored()
    {
        // The truck's first minute (600 epochs at 10 Hz), replayed once at 10x, kept in a history file.
        string folder = Directory.CreateTempSubdirectory("beidouhub-web-replay-").FullName;
        try
        {
            string[] lines = File.ReadAllLines(Repo.Seed("park-vehicle-rtk-10hz.nmea"));
            string minute = Path.Combine(folder, "truck-minute.nmea");
            File.WriteAllLines(minute, lines.TakeWhile(l => !l.StartsWith("$GNRMC,020100.00,", StringComparison.Ordinal)));
            await using ServiceFixture service = await ServiceFixture.StartAsync([.. WebConsoleConfig.On,
                "--BeidouHub:Receivers:0:Id=truck-1", $"--BeidouHub:Receivers:0:Source=replay://{minute}?speed=10",
                "--BeidouHub:History:Enabled=true", $"--BeidouHub:History:Path={Path.Combine(folder, "history.db")}"]);
            var history = new BeidouHub.Protocol.V1.History.HistoryClient(service.Channel);
            var day = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(new DateTime(2026, 11, 27, 0, 0, 0, DateTimeKind.Utc));
            var nextDay = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(new DateTime(2026, 11, 28, 0, 0, 0, DateTimeKind.Utc));
            int stored = 0;
            await Eventually.True(async () =>
            {
                int before = stored;
                try
                {
                    stored = (await ReadTrack(history, new QueryTrackRequest { ReceiverId = "truck-1", StartTime = day, EndTime = nextDay })).Count;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
                {
                    return false; // the store not created yet: the writer opens it as the service starts
                }
                await Task.Delay(500);
                return stored >= 590 && stored == before;
            }, "the minute stored", 60);

            await using Browser browser = await Browser.OpenAsync(service.WebAddress!);
            IPage page = browser.Page;
            await Eventually.True(async () => await page.Locator("#receiver-list li[data-id='truck-1'][data-sequence]:not([data-sequence=''])").CountAsync() == 1, "truck-1 listed", 30);
            await page.Locator("#receiver-list li[data-id='truck-1']").ClickAsync();
            await page.Locator("#replay-minutes").SelectOptionAsync("2");
            await page.Locator("#replay-load").ClickAsync();
            ILocator slider = page.Locator("#replay");
            await Eventually.True(async () => !string.IsNullOrEmpty(await slider.GetAttributeAsync("data-points")), "the track loaded", 30);

            // The same request to the API: as many points, and the slider's ends are its first and last.
            var request = new QueryTrackRequest
            {
                ReceiverId = "truck-1",
                StartTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.Parse(await slider.GetAttributeAsync("data-start") ?? "", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)),
                EndTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.Parse(await slider.GetAttributeAsync("data-end") ?? "", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)),
                MaxPoints = 2000,
                Coordinates = { CoordinateSystem.Grid },
            };
            List<Position> track = await ReadTrack(history, request);
            Assert.Equal(stored, track.Count); // the whole minute lies within the last two
            Assert.Equal(track.Count.ToString(CultureInfo.InvariantCulture), await slider.GetAttributeAsync("data-points"));
            Assert.Equal(track[^1].Sequence.ToString(CultureInfo.InvariantCulture), await slider.GetAttributeAsync("data-sequence"));
            await AssertGhostAt(page, track[^1]);
            await slider.FillAsync("0");
            Assert.Equal(track[0].Sequence.ToString(CultureInfo.InvariantCulture), await slider.GetAttributeAsync("data-sequence"));
            await AssertGhostAt(page, track[0]);
            await Screenshot(page, "replay.png");
            browser.AssertNoPageErrors();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        static async Task AssertGhostAt(IPage page, Position p)
        {
            JsonElement ghost = (await page.EvaluateAsync<JsonElement>("() => window.beidouhubConsole.replay()")).GetProperty("ghost");
            Assert.Equal(p.Grid.Easting, ghost[0].GetDouble(), 6);
            Assert.Equal(p.Grid.Northing, ghost[1].GetDouble(), 6);
        }
    }

    private static async Task<List<Position>> ReadTrack(BeidouHub.Protocol.V1.History.HistoryClient history, QueryTrackRequest request)
    {
        using AsyncServerStreamingCall<Position> call = history.QueryTrack(request);
        var list = new List<Position>();
        await foreach (Position p in call.ResponseStream.ReadAllAsync())
        {
            list.Add(p);
        }

        return list;
    }

    // The page's rule (app.js fixClass), for a connected receiver.
    private static string ExpectedFix(Position p) =>
        p.Quality == 4 || p.Rtk == RtkState.Fixed ? "rtk-fixed"
        : p.Quality == 5 || p.Rtk == RtkState.Float ? "rtk-float"
        : p.Quality == 0 || !p.HasLatitude ? "none"
        : p.Quality is 2 or 3 or 9 ? "dgps"
        : p.Mode == FixMode._2D ? "2d"
        : "3d";

    // The zone of ServiceSetup's default, as configuration (a 60 m box around the dock).
    private static IEnumerable<string> DockZone(int index)
    {
        const double Lat = 27.8618, Lon = 113.1728, Half = 60;
        double dLat = Half / 111_320.0, dLon = Half / (111_320.0 * Math.Cos(Lat * Math.PI / 180));
        double[][] ring = [[Lon - dLon, Lat - dLat], [Lon + dLon, Lat - dLat], [Lon + dLon, Lat + dLat], [Lon - dLon, Lat + dLat]];
        yield return $"--BeidouHub:Zones:{index}:Id=loading-dock";
        for (int i = 0; i < ring.Length; i++)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"--BeidouHub:Zones:{index}:Polygons:0:0:{i}:0={ring[i][0]}");
            yield return string.Create(CultureInfo.InvariantCulture, $"--BeidouHub:Zones:{index}:Polygons:0:0:{i}:1={ring[i][1]}");
        }
    }

    private static async Task<List<Row>> Rows(IPage page)
    {
        JsonElement rows = await page.EvaluateAsync<JsonElement>("() => [...document.querySelectorAll('#receiver-list li')].map(r => [r.dataset.id, r.dataset.sequence, r.dataset.fix])");
        return [.. rows.EnumerateArray().Where(r => !string.IsNullOrEmpty(r[1].GetString()))
            .Select(r => new Row(r[0].GetString()!, ulong.Parse(r[1].GetString()!, CultureInfo.InvariantCulture), r[2].GetString()!))];
    }

    private static async Task<JsonElement> Markers(IPage page) => await page.EvaluateAsync<JsonElement>("() => window.beidouhubConsole.markers()");

    private static async Task<double[]> MarkerCoordinate(IPage page, string id)
    {
        foreach (JsonElement m in (await Markers(page)).EnumerateArray())
        {
            if (m.GetProperty("id").GetString() == id)
            {
                return [.. m.GetProperty("coordinate").EnumerateArray().Select(c => c.GetDouble())];
            }
        }

        return [];
    }

    private static async Task Screenshot(IPage page, string name)
    {
        Directory.CreateDirectory(Artefacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artefacts, name) });
    }

    [GeneratedRegex(@"\| ([A-Z]+) (\d+)/(\d+):")]
    private static partial Regex WatchCounts();

    private sealed record Row(string Id, ulong Sequence, string Fix);

    /// <summary>Chromium with one page on the console; the page's errors fail the test.</summary>
    private sealed class Browser : IAsyncDisposable
    {
        private readonly IPlaywright _playwright;
        private readonly IBrowser _browser;
        private readonly List<string> _errors = [];

        private Browser(IPlaywright playwright, IBrowser browser, IPage page)
        {
            _playwright = playwright;
            _browser = browser;
            Page = page;
            page.PageError += (_, e) => _errors.Add(e);
            page.Console += (_, m) =>
            {
                if (m.Type == "error")
                {
                    _errors.Add(m.Text);
                }
            };
        }

        public IPage Page { get; }

        public static async Task<Browser> OpenAsync(Uri console, string fragment = "", ViewportSize? viewport = null)
        {
            Skip.IfNot(File.Exists(Chromium), $"{Chromium} is absent (Debian's chromium package; .ci/run installs it): the console is not tested in a browser here");
            IPlaywright playwright = await Playwright.CreateAsync();
            IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args = ["--no-sandbox"], // CI runs as root, where Chromium's sandbox cannot start
            });
            IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = viewport ?? new ViewportSize { Width = 1366, Height = 768 } });
            var opened = new Browser(playwright, browser, page);
            await page.GotoAsync(new Uri(console, "/" + fragment).ToString());
            return opened;
        }

        /// <summary>At a test's end: nothing went wrong in the page (a script error, a file not found).</summary>
        public void AssertNoPageErrors() => Assert.True(_errors.Count == 0, "errors in the page: " + string.Join(" | ", _errors));

        public async ValueTask DisposeAsync()
        {
            await _browser.CloseAsync();
            _playwright.Dispose();
        }
    }
}
