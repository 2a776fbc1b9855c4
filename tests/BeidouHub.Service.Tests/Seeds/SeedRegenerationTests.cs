using BeidouHub.Service.Verbs;

namespace BeidouHub.Service.Tests.Seeds;

/// <summary>
/// Each committed seed is exactly what the command in its "# Made by:" header (and in
/// seeds/README.md) writes today: seeds stay in sync with the simulator, and the README's commands
/// reproduce them. When the generator changes, regenerate the seeds with those commands.
/// </summary>
public class SeedRegenerationTests
{
    public static TheoryData<string> SeedFiles => new()
    {
        "park-vehicle-rtk-10hz.nmea", "park-handheld-bd-walk.nmea", "park-gate-outage.nmea", "park-faults.nmea",
    };

    [Theory]
    [MemberData(nameof(SeedFiles))]
    public async Task Simulate_CommandInSeedHeader_WritesTheCommittedFileByteForByte(string name)
    {
        string path = Path.Combine(RepositoryRoot(), "seeds", name);
        string command = File.ReadLines(path).First(l => l.StartsWith("# Made by: ", StringComparison.Ordinal))["# Made by: ".Length..];
        string[] words = command.Split(' ');
        Assert.Equal(["beidouhub", "simulate"], words[..2]);
        string readme = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "seeds", "README.md"));
        Assert.Contains(command + " --out seeds/" + name, readme, StringComparison.Ordinal);

        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();
        int exit = await SimulateVerb.RunAsync(words[2..], stderr, stdout, CancellationToken.None);

        Assert.Equal(0, exit);
        byte[] expected = await File.ReadAllBytesAsync(path);
        byte[] actual = stdout.ToArray();
        int firstDifference = expected.AsSpan().CommonPrefixLength(actual);
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name}: generated {actual.Length} bytes, file has {expected.Length}; first difference at byte {firstDifference}. Regenerate with: {command} --out seeds/{name}");
    }

    [Fact]
    public async Task Simulate_Out_WritesFileAndReportsEpochs()
    {
        string file = Path.Combine(Path.GetTempPath(), $"beidouhub-sim-{Environment.ProcessId}.nmea");
        try
        {
            using var stderr = new StringWriter();
            int exit = await SimulateVerb.RunAsync(["--profile", "gate", "--duration", "5s", "--rate", "2", "--out", file], stderr, Stream.Null, CancellationToken.None);

            Assert.Equal(0, exit);
            string[] lines = await File.ReadAllLinesAsync(file);
            Assert.StartsWith("# Name: gate", lines[0], StringComparison.Ordinal);
            Assert.Equal(10, lines.Count(l => l.StartsWith("$GNGGA", StringComparison.Ordinal)));
            Assert.Contains("10 epochs", stderr.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "BeidouHub.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("BeidouHub.sln not found above the test binaries");
    }
}
