using System.Text;
using BeidouHub.Service.Verbs;

namespace BeidouHub.Service.Tests.Verbs;

public class SimulateVerbTests
{
    [Theory]
    [InlineData("--profile", "truck")]
    [InlineData("--duration", "0s")]
    [InlineData("--duration", "ten")]
    [InlineData("--duration", "300")]
    [InlineData("--duration", "25h")]
    [InlineData("--rate", "25")]
    [InlineData("--rate", "2.5")]
    [InlineData("--seed", "-1")]
    [InlineData("--start", "2026-11-27 02:00")]
    [InlineData("--style", "nmea")]
    [InlineData("--colour", "red")]
    [InlineData("--rate")]
    [InlineData("stray")]
    public async Task RunAsync_BadArgument_ExitsTwoWithOneLineNamingIt(params string[] args)
    {
        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();

        int exit = await SimulateVerb.RunAsync(args, stderr, stdout, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Equal(0, stdout.Length);
        string line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("simulate: ", line, StringComparison.Ordinal);
        // The line quotes the offending word: the bad value, or the option itself when that is what is wrong.
        Assert.True(args.Any(a => line.Contains($"'{a}'", StringComparison.Ordinal)), line);
    }

    [Fact]
    public async Task RunAsync_BadRate_SaysWhatIsExpected()
    {
        using var stderr = new StringWriter();

        int exit = await SimulateVerb.RunAsync(["--rate", "25"], stderr, Stream.Null, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Equal("simulate: --rate '25': expected a whole number of Hz from 1 to 20" + Environment.NewLine, stderr.ToString());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task RunAsync_Help_UsageOnStdoutExitZero(string help)
    {
        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();

        int exit = await SimulateVerb.RunAsync(["--profile", "gate", help], stderr, stdout, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.StartsWith("usage: beidouhub simulate [--profile", Encoding.UTF8.GetString(stdout.ToArray()), StringComparison.Ordinal);
        Assert.Equal(string.Empty, stderr.ToString());
    }

    [Theory]
    [InlineData("90s")]
    [InlineData("1m30s")]
    [InlineData("00:01:30")]
    [InlineData("90000ms")]
    [InlineData("0.025h")]
    [InlineData("1.5m")]
    public async Task RunAsync_DurationInEachForm_NinetyEpochsAtOneHertz(string duration)
    {
        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();

        int exit = await SimulateVerb.RunAsync(["--profile", "gate", "--rate", "1", "--duration", duration], stderr, stdout, CancellationToken.None);

        Assert.True(exit == 0, stderr.ToString());
        string[] lines = Encoding.ASCII.GetString(stdout.ToArray()).Split('\n');
        Assert.Equal(90, lines.Count(l => l.StartsWith("$GNGGA", StringComparison.Ordinal)));
    }
}
