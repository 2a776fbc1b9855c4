using System.Diagnostics;

namespace BeidouHub.Service.Tests.Deployment;

/// <summary>deploy/beidouhub.service: systemd's own check, and the settings the service relies on.</summary>
public sealed class SystemdUnitTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("beidouhub-unit-").FullName;

    private static string Unit => Path.Combine(Repo.Root, "deploy", "beidouhub.service");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // verify wants ExecStart's binary to exist: a copy of the unit names a stand-in script in a
    // temporary folder instead of /usr/lib/beidouhub/beidouhub (installed only by the package).
    // It warns about a bad setting on stderr and still exits 0: both are checked.
    [SkippableFact]
    public async Task Verify_UnitWithItsBinaryInPlace_NoErrorNoWarning()
    {
        string? analyze = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists);
        Skip.If(analyze is null, "systemd-analyze is not installed (Debian: systemd)");
        string binary = Path.Combine(_dir, "beidouhub");
        File.Copy("/bin/true", binary); // with its mode: executable
        string text = await File.ReadAllTextAsync(Unit);
        Assert.Contains("ExecStart=/usr/lib/beidouhub/beidouhub serve\n", text, StringComparison.Ordinal);
        string copy = Path.Combine(_dir, "beidouhub.service");
        await File.WriteAllTextAsync(copy, text.Replace("/usr/lib/beidouhub/beidouhub", binary, StringComparison.Ordinal));

        var start = new ProcessStartInfo(analyze!, ["verify", copy]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process verify = Process.Start(start)!;
        string stderr = await verify.StandardError.ReadToEndAsync();
        string stdout = await verify.StandardOutput.ReadToEndAsync();
        await verify.WaitForExitAsync();

        Assert.True(verify.ExitCode == 0 && stderr.Length == 0, $"systemd-analyze verify: exit {verify.ExitCode}\n{stdout}{stderr}");
    }

    [Fact]
    public void Unit_DaemonSettings_NotifyDedicatedUserStateAndConfigurationDirectoriesHardening()
    {
        string[] lines = File.ReadAllLines(Unit);
        foreach (string setting in new[]
        {
            "Type=notify", "ExecReload=/bin/kill -HUP $MAINPID", "User=beidouhub", "SupplementaryGroups=dialout",
            "StateDirectory=beidouhub", "ConfigurationDirectory=beidouhub", "WorkingDirectory=/var/lib/beidouhub",
            "NoNewPrivileges=yes", "PrivateTmp=yes", "ProtectSystem=strict", "ProtectHome=yes", "MemoryDenyWriteExecute=yes",
        })
        {
            Assert.Contains(setting, lines);
        }

        // The serial devices.
        Assert.DoesNotContain(lines, l => l.StartsWith("PrivateDevices=", StringComparison.Ordinal));
    }

    /// <summary>Debian's python3-seccomp, which deploy/mdwe-exec.py loads its rules with.</summary>
    internal static bool HasPythonSeccomp =>
        File.Exists("/usr/bin/python3") && Directory.Exists("/usr/lib/python3/dist-packages")
        && Directory.EnumerateFiles("/usr/lib/python3/dist-packages", "seccomp*.so").Any();

    // The stand-in for systemd's MemoryDenyWriteExecute that the package test runs the service
    // under: it must refuse what systemd refuses, or that test would prove nothing.
    [SkippableFact]
    public async Task MdweExec_SelfTest_RefusesWritableExecutableMemory()
    {
        Skip.IfNot(HasPythonSeccomp, "python3-seccomp is not installed (Debian)");
        (int exit, string output) = await DebianPackageTests.RunAsync("/usr/bin/python3", Path.Combine(Repo.Root, "deploy", "mdwe-exec.py"), "--self-test");

        Assert.True(exit == 0, $"mdwe-exec --self-test: exit {exit}\n{output}");
        Assert.Contains("refused mmap(PROT_WRITE|PROT_EXEC), mprotect(PROT_EXEC)", output, StringComparison.Ordinal);
    }
}
