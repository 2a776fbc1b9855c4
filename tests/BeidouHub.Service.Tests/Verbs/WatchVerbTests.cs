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
        Assert.Contains("--min-quality", stdout.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, stderr.ToString());
    }

    [Theory]
    [InlineData("--min-quality|best", "watch: --min-quality 'best': expected one of any, fix, dgps, float, fixed")]
    [InlineData("--rate|0", "watch: --rate '0': expected a rate in Hz greater than 0, e.g. 1 or 0.2")]
    [InlineData("--count|-3", "watch: --count '-3': expected a whole number from 1 to 9223372036854775807")]
    [InlineData("--receiver", "watch: option '--receiver' needs a value")]
    [InlineData("--sky=yes", "watch: option '--sky' takes no value")]
    [InlineData("--follow", "watch: unknown option '--follow' (see beidouhub watch --help)")]
    [InlineData("truck-1", "watch: unexpected argument 'truck-1' (see beidouhub watch --help)")]
    public async Task RunAsync_UsageError_ExitsTwoWithOneLineNamingIt(string args, string line)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await WatchVerb.RunAsync(args.Split('|'), stdout, stderr, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Equal(line + Environment.NewLine, stderr.ToString());
        Assert.Equal(string.Empty, stdout.ToString());
    }
}
