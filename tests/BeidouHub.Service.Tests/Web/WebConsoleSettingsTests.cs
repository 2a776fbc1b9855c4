using BeidouHub.Service.Configuration;
using BeidouHub.Service.Web;

namespace BeidouHub.Service.Tests.Web;

/// <summary>The console's settings that are decided without a browser: its default address and the tile host it may load images from.</summary>
public class WebConsoleSettingsTests
{
    [Fact]
    public void ListenOn_NotSet_Port8080OnLoopbackHttpsWhenTheServiceHasACertificate()
    {
        var web = new WebConfig();
        Assert.Equal("http://127.0.0.1:8080", web.ListenOn(new TlsConfig()));
        Assert.Equal("https://127.0.0.1:8080", web.ListenOn(new TlsConfig { CertificateFile = "hub.pem", KeyFile = "hub-key.pem" }));
        Assert.Equal("https://127.0.0.1:8080", web.ListenOn(new TlsConfig { PfxFile = "hub.pfx" }));
        web.Listen = "http://127.0.0.1:9000";
        Assert.Equal("http://127.0.0.1:9000", web.ListenOn(new TlsConfig { PfxFile = "hub.pfx" })); // as given (the validator then says it must be https)
    }

    [Theory]
    [InlineData("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org")]
    [InlineData("https://t{0-7}.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=K", "https://*.tianditu.gov.cn")]
    [InlineData("http://webrd0{1-4}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}&style=8", "http://*.is.autonavi.com")]
    [InlineData("https://tiles.example:8443/{z}/{x}/{y}", "https://tiles.example:8443")]
    [InlineData("{z}/{x}/{y}.png", null)]
    [InlineData("https://{s}/{z}/{x}/{y}.png", null)]
    public void TileOrigin_Template_TheOriginThePageMayLoadImagesFrom(string template, string? origin) =>
        Assert.Equal(origin, WebConsole.TileOrigin(template));
}
