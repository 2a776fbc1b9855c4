using BeidouHub.Receiver.Sources;
using BeidouHub.Service.Configuration;
using BeidouHub.Simulator;

namespace BeidouHub.Service.Tests.Configuration;

public class ServiceSetupTests
{
    [Theory]
    [InlineData("ftp://x", "'ftp://x': unknown scheme 'ftp' (expected serial, tcp, replay, sim or history)")]
    [InlineData("/dev/ttyUSB0", "'/dev/ttyUSB0' is not a source URI (expected serial://, tcp://, replay://, sim:// or history://)")]
    [InlineData("tcp://host", "'tcp://host': expected tcp://host:port with a port in 1-65535")]
    public void Sources_BadUri_TheMessagesOfASingleParserNamingEveryScheme(string uri, string message)
    {
        Assert.False(ServiceSetup.Sources.TryParse(uri, out _, out string? error));

        Assert.Equal(message, error);
    }

    [Fact]
    public void Sources_Sim_ParsedHereAndBuiltOrRefusedByTheSimulator()
    {
        SourceOptions sim = ServiceSetup.Sources.Parse("sim://?profile=gate&rate=1");
        Assert.True(ByteSources.TryCreate(sim, out IByteSource? source, out _));
        Assert.IsType<SimSource>(source);

        Assert.False(ByteSources.TryCreate(ServiceSetup.Sources.Parse("sim://?rate=50"), out _, out string? error));
        Assert.Equal("'sim://?rate=50': rate=50 is not a number in [1, 20]", error);
        Assert.IsType<ReplaySourceOptions>(ServiceSetup.Sources.Parse($"replay://{typeof(ServiceSetupTests).Assembly.Location}"));
    }
}
