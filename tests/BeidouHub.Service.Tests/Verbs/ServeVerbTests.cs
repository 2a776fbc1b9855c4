using BeidouHub.Service.Verbs;

namespace BeidouHub.Service.Tests.Verbs;

public class ServeVerbTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("--BeidouHub:Listen=https://0.0.0.0:50051|--help")]
    public async Task RunAsync_Help_UsageOnStdoutExitZeroWithoutStarting(string args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await ServeVerb.RunAsync(args.Split('|'), stdout, stderr);

        Assert.Equal(0, exit);
        Assert.StartsWith("usage: beidouhub [serve]", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("--BeidouHub:Tls:CertificateFile=FILE", stdout.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, stderr.ToString());
    }

    [Theory]
    [InlineData("--verbose", "serve: unknown option '--verbose': serve takes configuration keys such as --BeidouHub:Listen=https://0.0.0.0:50051 (see beidouhub serve --help)")]
    [InlineData("--urls=http://0.0.0.0:5000", "serve: unknown option '--urls': serve takes configuration keys such as --BeidouHub:Listen=https://0.0.0.0:50051 (see beidouhub serve --help)")]
    [InlineData("--BeidouHub:=x", "serve: unknown option '--BeidouHub:': serve takes configuration keys such as --BeidouHub:Listen=https://0.0.0.0:50051 (see beidouhub serve --help)")]
    [InlineData("replay.nmea", "serve: unexpected argument 'replay.nmea' (see beidouhub serve --help)")]
    [InlineData("--BeidouHub:Listen", "serve: option '--BeidouHub:Listen' needs a value")]
    [InlineData("-v", "serve: unknown option '-v': serve takes configuration keys such as --BeidouHub:Listen=https://0.0.0.0:50051 (see beidouhub serve --help)")]
    public async Task RunAsync_NotAConfigurationKey_ExitsTwoWithOneLine(string args, string line)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await ServeVerb.RunAsync(args.Split('|'), stdout, stderr);

        Assert.Equal(2, exit);
        Assert.Equal(line + Environment.NewLine, stderr.ToString());
    }

    [Theory]
    [InlineData("--BeidouHub:Listen=http://127.0.0.1:50051")]
    [InlineData("--BeidouHub:Listen|http://127.0.0.1:50051")]
    [InlineData("--BeidouHub:Receivers:0:Source=replay://seeds/a.nmea?speed=1&loop=true|--Logging:LogLevel:Default=Warning")]
    [InlineData("--beidouhub:tls:allowinsecure=true")]
    [InlineData("--environment|Development|--contentRoot=/tmp")]
    [InlineData("--Kestrel:Endpoints:Grpc:Url=https://0.0.0.0:50051")]
    public void Check_ConfigurationKeys_PassToConfiguration(string args)
    {
        var stderr = new StringWriter();

        int? exit = ServeVerb.Check(args.Split('|'), new StringWriter(), stderr);

        Assert.True(exit is null, stderr.ToString());
    }
}
