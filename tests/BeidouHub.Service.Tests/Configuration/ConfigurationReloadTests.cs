using BeidouHub.Service.Configuration;
using BeidouHub.Service.Integrity;
using BeidouHub.Service.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BeidouHub.Service.Tests.Configuration;

public sealed class ConfigurationReloadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("beidouhub-reload-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("Logging:LogLevel:Default", true)]
    [InlineData("BeidouHub:Applications:0:Keys:1", true)]
    [InlineData("BeidouHub:Jwt:Issuer", true)]
    [InlineData("BeidouHub:AllowAnonymous", true)]
    [InlineData("BeidouHub:Integrity:MaxCorrectionAgeSeconds", true)]
    [InlineData("BeidouHub:Integrity:References:0:Latitude", true)]
    [InlineData("BeidouHub:Integrity:Enabled", false)]
    [InlineData("BeidouHub:ApplicationsFile", false)]
    [InlineData("BeidouHub:Receivers:0:Source", false)]
    [InlineData("BeidouHub:Zones:0:Id", false)]
    [InlineData("BeidouHub:History:Path", false)]
    [InlineData("BeidouHub:Listen", false)]
    public void IsLive_Key_OnlyLogLevelsAccessAndIntegrityThresholds(string key, bool live) =>
        Assert.Equal(live, ConfigurationReload.IsLive(key));

    // The in-process equivalent of the child-process test (DaemonTests): appsettings.json in the
    // content root, rewritten, as an operator's editor does.
    [Fact]
    public async Task AppSettingsChanged_IntegrityThreshold_InForceAtOnceAndABadValueKeepsThePreviousOne()
    {
        string file = Path.Combine(_dir, "appsettings.json");
        await File.WriteAllTextAsync(file, """{ "BeidouHub": { "Integrity": { "MaxCorrectionAgeSeconds": 10 } } }""");
        var logs = new ListLoggerProvider();
        await using ServiceFixture service = await ServiceFixture.StartAsync(TimeProvider.System, logs, "--contentRoot=" + _dir, "--BeidouHub:Web:Enabled=false", "--BeidouHub:Metrics:Enabled=false", "--BeidouHub:History:Enabled=false", "--BeidouHub:Integrity:Enabled=true", "--Logging:LogLevel:BeidouHub.Service.Configuration=Information");
        IntegrityService integrity = service.Services.GetRequiredService<IntegrityService>();
        Assert.Equal(10, integrity.Thresholds.MaxCorrectionAgeSeconds);

        await File.WriteAllTextAsync(file, """{ "BeidouHub": { "Integrity": { "MaxCorrectionAgeSeconds": 12, "ConfirmAfter": "00:00:05" } } }""");
        await Eventually.True(() => integrity.Thresholds.MaxCorrectionAgeSeconds == 12, "the new threshold in force");
        Assert.Equal(TimeSpan.FromSeconds(5), integrity.Thresholds.ConfirmAfter);

        await File.WriteAllTextAsync(file, """{ "BeidouHub": { "Integrity": { "MaxCorrectionAgeSeconds": -1, "ConfirmAfter": "00:00:05" } } }""");
        await Eventually.True(() => logs.Lines.Any(l => l.Level == LogLevel.Error && l.Message.StartsWith("configuration: BeidouHub:Integrity not applied, the previous values stay in force: BeidouHub:Integrity:MaxCorrectionAgeSeconds", StringComparison.Ordinal)), "the refusal line");
        Assert.Equal(12, integrity.Thresholds.MaxCorrectionAgeSeconds);
    }
}
