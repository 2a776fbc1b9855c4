using System.Diagnostics;

namespace BeidouHub.Service.Tests.Deployment;

/// <summary>
/// The Debian package that deploy/deb/build.sh makes (.ci/run builds it before the tests):
/// installed with dpkg on this machine, its service run as its user and watched with its own
/// <c>beidouhub watch</c>, then purged. Needs root and dpkg; changes the machine while it runs
/// (a package, a system user), and leaves it as it was.
/// </summary>
public sealed class DebianPackageTests
{
    private const string Unit = "/lib/systemd/system/beidouhub.service";

    [SkippableFact]
    public async Task Package_InstallRunWatchStopPurge_FilesUserServiceAndNothingLeft()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root", "installing a package needs root");
        Skip.IfNot(File.Exists("/usr/bin/dpkg") && File.Exists("/usr/bin/setpriv"), "needs dpkg and setpriv (Debian: dpkg, util-linux)");
        string? deb = Directory.Exists(Path.Combine(Repo.Root, "artifacts", "deb"))
            ? new DirectoryInfo(Path.Combine(Repo.Root, "artifacts", "deb")).GetFiles("beidouhub_*.deb").OrderByDescending(f => f.LastWriteTimeUtc).FirstOrDefault()?.FullName
            : null;
        Skip.If(deb is null, "no artifacts/deb/beidouhub_*.deb: run deploy/deb/build.sh first (.ci/run does)");
        Skip.IfNot(SystemdUnitTests.HasPythonSeccomp, "the unit's MemoryDenyWriteExecute=yes is applied by deploy/mdwe-exec.py, which needs python3-seccomp (Debian)");

        try
        {
            (int installed, string installLog) = await RunAsync("dpkg", "-i", deb!);
            Assert.True(installed == 0, "dpkg -i: " + installLog);

            // The files, the conffile, the user and its serial group.
            Assert.True(File.Exists("/usr/lib/beidouhub/beidouhub"));
            Assert.Equal("/usr/lib/beidouhub/beidouhub", new FileInfo("/usr/bin/beidouhub").ResolveLinkTarget(returnFinalTarget: true)?.FullName);
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(Repo.Root, "deploy", "beidouhub.service")), await File.ReadAllTextAsync(Unit));
            Assert.True(File.Exists("/etc/beidouhub/beidouhub.json"));
            Assert.Contains("/etc/beidouhub/beidouhub.json", (await RunAsync("dpkg-query", "-W", "-f=${Conffiles}", "beidouhub")).Output, StringComparison.Ordinal);
            Assert.True(File.Exists("/usr/share/beidouhub/seeds/park-gate-outage.nmea"));
            (int user, string groups) = await RunAsync("id", "-nG", "beidouhub");
            Assert.True(user == 0, "no user beidouhub: " + groups);
            Assert.Contains("dialout", groups.Split(' ', StringSplitOptions.TrimEntries));
            Assert.Equal("beidouhub", (await RunAsync("stat", "-c", "%U", "/var/lib/beidouhub")).Output.Trim());

            await RunInstalledServiceAsync();

            (int purged, string purgeLog) = await RunAsync("dpkg", "--purge", "beidouhub");
            Assert.True(purged == 0, "dpkg --purge: " + purgeLog);
            foreach (string path in new[] { "/usr/lib/beidouhub", "/usr/bin/beidouhub", Unit, "/etc/beidouhub", "/var/lib/beidouhub", "/usr/share/beidouhub" })
            {
                Assert.False(Path.Exists(path), path + " is left after the purge");
            }

            Assert.NotEqual(0, (await RunAsync("id", "beidouhub")).Exit);
            Assert.DoesNotContain("install ok installed", (await RunAsync("dpkg-query", "-W", "-f=${Status}", "beidouhub")).Output, StringComparison.Ordinal);
        }
        finally
        {
            await RunAsync("dpkg", "--purge", "beidouhub");
        }
    }

    // systemd is not PID 1 in this container, so `systemctl start` cannot run the unit: the
    // unit's ExecStart runs here as its User (setpriv with the user's groups: beidouhub, dialout)
    // in its WorkingDirectory, with the environment systemd gives it (CONFIGURATION_DIRECTORY,
    // STATE_DIRECTORY, HOME of the user) and nothing else. Environment variables move the ports to
    // free loopback ones and the configuration's two serial receivers to the installed seeds;
    // the second one records, so the recordings and the history must land in /var/lib/beidouhub.
    private static async Task RunInstalledServiceAsync()
    {
        string[] unit = await File.ReadAllLinesAsync(Unit);
        string Setting(string name) => unit.Single(l => l.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];
        string user = Setting("User");
        string state = "/var/lib/" + Setting("StateDirectory");
        var environment = new Dictionary<string, string?>
        {
            ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["HOME"] = state,
            ["USER"] = user,
            ["LOGNAME"] = user,
            ["CONFIGURATION_DIRECTORY"] = "/etc/" + Setting("ConfigurationDirectory"),
            ["STATE_DIRECTORY"] = state,
            ["BeidouHub__Listen"] = "http://127.0.0.1:0",
            ["BeidouHub__Web__Listen"] = "http://127.0.0.1:0",
            ["BeidouHub__Metrics__Listen"] = "http://127.0.0.1:0",
            ["BeidouHub__Receivers__0__Source"] = "replay:///usr/share/beidouhub/seeds/park-gate-outage.nmea?speed=1&loop=true",
            ["BeidouHub__Receivers__1__Source"] = "replay:///usr/share/beidouhub/seeds/park-vehicle-rtk-10hz.nmea?speed=1&loop=true",
        };
        string[] execStart = Setting("ExecStart").Split(' ');

        // MemoryDenyWriteExecute=yes: systemd 252's seccomp rules, loaded by deploy/mdwe-exec.py
        // (copied where the service's user can read it) before the ExecStart is executed.
        if (unit.Contains("MemoryDenyWriteExecute=yes") && OperatingSystem.IsLinux())
        {
            string wrapper = Path.Combine(Path.GetTempPath(), $"beidouhub-mdwe-exec-{Environment.ProcessId}.py");
            File.Copy(Path.Combine(Repo.Root, "deploy", "mdwe-exec.py"), wrapper, overwrite: true);
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            execStart = ["/usr/bin/python3", wrapper, .. execStart];
        }

        using ServiceProcess service = ServiceProcess.Start("/usr/bin/setpriv", [$"--reuid={user}", $"--regid={user}", "--init-groups", .. execStart], environment, Setting("WorkingDirectory"), cleanEnvironment: true);
        Uri address = await service.AddressAsync();
        Assert.Contains(service.Lines, l => l.Contains("configuration file /etc/beidouhub/beidouhub.json (read)", StringComparison.Ordinal));

        // The installed `beidouhub watch`, through /usr/bin: a line per position of both receivers.
        using ServiceProcess watch = ServiceProcess.Start("/usr/bin/beidouhub", ["watch", "--url", address.OriginalString], cleanEnvironment: true);
        await Eventually.True(() => watch.Lines.Any(l => l.Contains(" gate-1 ", StringComparison.Ordinal)) && watch.Lines.Any(l => l.Contains(" yard-ref-1 ", StringComparison.Ordinal)), "positions of gate-1 and yard-ref-1 in watch\n" + watch.Output + "\n" + service.Output, 60);
        await Eventually.True(() => Directory.Exists(Path.Combine(state, "recordings", "yard-ref-1")) && Directory.EnumerateFiles(Path.Combine(state, "recordings", "yard-ref-1")).Any(), "a recording in " + state + "\n" + service.Output);

        service.Signal("TERM");
        Assert.Equal(0, await service.WaitForExitAsync());
        Assert.True(File.Exists(Path.Combine(state, "data", "history.db")), "no history in " + state + "\n" + service.Output);
        Assert.Equal(user, (await RunAsync("stat", "-c", "%U", Path.Combine(state, "data", "history.db"))).Output.Trim());
    }

    /// <summary>Runs to the end; the output is stdout then stderr.</summary>
    internal static async Task<(int Exit, string Output)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, stdout + await stderr);
    }
}
