using BeidouHub.Service.Tests.Support;
using BeidouHub.Testing;
using Microsoft.Playwright;
using AlertKind = BeidouHub.Service.Integrity.AlertKind;
using AlertSeverity = BeidouHub.Service.Integrity.AlertSeverity;
using IntegrityAlert = BeidouHub.Service.Integrity.IntegrityAlert;

namespace BeidouHub.Service.Tests.Web;

/// <summary>The console's alerts list (Events tab), fed by Positions.StreamAlerts as any client is.</summary>
public sealed partial class WebConsoleTests
{
    [SkippableFact]
    public async Task Events_AlertsOpenStartAndEnd_ListShowsThemAsTheApiSends()
    {
        await using ServiceFixture service = await ServiceFixture.StartAsync(WebConsoleConfig.On);
        var start = new DateTime(2026, 12, 5, 2, 0, 0, DateTimeKind.Utc);
        var rtk = new IntegrityAlert("rtk-fixed-lost/truck-1/1", AlertKind.RtkFixedLost, AlertSeverity.Warning, false, start, null, ["truck-1"], "truck-1: RTK fixed lost (now float)");
        service.Hub.Publish(rtk);
        await using Browser browser = await Browser.OpenAsync(service.WebAddress!, "#events");
        IPage page = browser.Page;
        ILocator open = page.Locator("#alerts li[data-kind='rtk_fixed_lost'][data-state='open']");
        await Eventually.True(async () => await open.CountAsync() == 1, "the alert open before the page came");

        var jam = new IntegrityAlert("jamming/park/1", AlertKind.Jamming, AlertSeverity.Critical, true, start.AddSeconds(5), null, ["gate-1", "truck-1", "walker-1"], "park: jamming");
        service.Hub.Publish(jam);
        ILocator jamming = page.Locator("#alerts li[data-kind='jamming']");
        await Eventually.True(async () => await jamming.CountAsync() == 1 && await jamming.GetAttributeAsync("data-state") == "open", "the jamming alert, open");
        Assert.Equal("02:00:05 (open)  CRITICAL  park: jamming [3 receivers: gate-1, truck-1, walker-1]", await jamming.TextContentAsync());
        Assert.Equal("(2 open)", await page.Locator("#alerts-count").TextContentAsync());
        service.Hub.Publish(jam with { End = start.AddSeconds(65) });

        await Eventually.True(async () => await jamming.GetAttributeAsync("data-state") == "ended", "the jamming alert, ended");
        Assert.Equal("02:00:05–02:01:05  CRITICAL  park: jamming [3 receivers: gate-1, truck-1, walker-1]", await jamming.TextContentAsync());
        Assert.Equal(2, await page.Locator("#alerts li").CountAsync());
        Assert.Equal(1, await open.CountAsync());
        Assert.Equal("(1 open)", await page.Locator("#alerts-count").TextContentAsync());
        await Screenshot(page, "alerts.png");
        browser.AssertNoPageErrors();
    }
}
