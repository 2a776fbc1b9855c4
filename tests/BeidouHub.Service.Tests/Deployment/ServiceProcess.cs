using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace BeidouHub.Service.Tests.Deployment;

/// <summary>
/// The service as a process of its own (a daemon gets signals, a parent and an environment, which
/// an in-process host cannot be given safely): its output lines kept, its gRPC address read from
/// its "listening on" line, signals sent to it with kill(1), killed by its pid when disposed.
/// </summary>
internal sealed partial class ServiceProcess : IDisposable
{
    private readonly Process _process;

    private ServiceProcess(Process process)
    {
        _process = process;
    }

    /// <summary>stdout and stderr, line by line as they come.</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output => string.Join("\n", Lines);

    /// <summary>
    /// Starts <paramref name="file"/> with <paramref name="args"/> and these environment variables
    /// added (a null value removes one) to the test's, or to none with <paramref name="cleanEnvironment"/>
    /// (as systemd starts a service).
    /// </summary>
    public static ServiceProcess Start(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null, bool cleanEnvironment = false)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "" };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (cleanEnvironment)
        {
            start.Environment.Clear();
        }

        foreach ((string name, string? value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        var process = new ServiceProcess(Process.Start(start)!);
        process._process.OutputDataReceived += (_, e) => process.Keep(e.Data);
        process._process.ErrorDataReceived += (_, e) => process.Keep(e.Data);
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The service's own build (beidouhub.dll beside the tests) through the dotnet host.</summary>
    public static ServiceProcess StartBuilt(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null) =>
        Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "beidouhub.dll"), .. args], environment, workingDirectory);

    /// <summary>The gRPC address from the service's "BeidouHub listening on" line, once it is there.</summary>
    public async Task<Uri> AddressAsync()
    {
        Uri? address = null;
        await Eventually.True(() => HasExited || TryAddress(out address), "the service's 'listening on' line", 60);
        Assert.False(address is null, $"the service ended before listening (exit {(HasExited ? ExitCode : -1)}):\n{Output}");
        return address!;
    }

    /// <summary>Sends <paramref name="signal"/> (HUP, TERM...) to the process with kill(1).</summary>
    public void Signal(string signal)
    {
        using Process kill = Process.Start("kill", ["-" + signal, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    public async Task<int> WaitForExitAsync(double seconds = 60)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        await _process.WaitForExitAsync(limit.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            Lines.Enqueue(line);
        }
    }

    private bool TryAddress(out Uri? address)
    {
        address = Lines.Select(l => ListeningLine().Match(l)).Where(m => m.Success).Select(m => new Uri(m.Groups[1].Value)).FirstOrDefault();
        return address is not null;
    }

    [GeneratedRegex(@"BeidouHub listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
