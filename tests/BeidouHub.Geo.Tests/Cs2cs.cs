using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace BeidouHub.Geo.Tests;

/// <summary>Runs PROJ's cs2cs (Debian package proj-bin) when it is on PATH.</summary>
internal static class Cs2cs
{
    public static bool IsAvailable { get; } = Find() is not null;

    private static string? Find()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, "cs2cs")))
            {
                return Path.Combine(dir, "cs2cs");
            }
        }

        return null;
    }

    /// <summary>Transforms "a b" pairs from one CRS to another; returns the first two output numbers per line.</summary>
    public static List<(double A, double B)> Transform(string from, string to, IReadOnlyList<(double A, double B)> input)
    {
        var psi = new ProcessStartInfo(Find()!, ["-f", "%.6f", from, to])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["LC_ALL"] = "C";
        using var process = Process.Start(psi)!;
        var text = new StringBuilder();
        foreach ((double a, double b) in input)
        {
            text.Append(CultureInfo.InvariantCulture, $"{a:R} {b:R}\n");
        }

        process.StandardInput.Write(text.ToString());
        process.StandardInput.Close();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);

        var result = new List<(double, double)>(input.Count);
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            result.Add((ReferenceFiles.D(parts[0]), ReferenceFiles.D(parts[1])));
        }

        Assert.Equal(input.Count, result.Count);
        return result;
    }
}
