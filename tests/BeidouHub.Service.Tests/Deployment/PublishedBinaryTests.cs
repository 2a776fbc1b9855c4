using System.Diagnostics;
using System.Text.RegularExpressions;
using BeidouHub.Protocol.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace BeidouHub.Service.Tests.Deployment;

/// <summary>
/// The binary deploy/publish.sh makes for a park's Linux box (artifacts/publish/linux-x64/beidouhub,
/// native AOT), run as a process, not through dotnet: it serves the seeds beside it over gRPC, and
/// decodes a capture to the same bytes as the JIT build. The tests do not publish (minutes of
/// native compilation): .ci/run publishes before the tests; without the binary they skip.
/// </summary>
public sealed partial class PublishedBinaryTests
{
    private static readonly string Binary = Path.Combine(Repo.Root, "artifacts", "publish", "linux-x64", "beidouhub");

    private static string? Absent => File.Exists(Binary)
        ? null
        : $"{Binary} not found: run `bash deploy/publish.sh linux-x64` first (.ci/run does)";

    // The arm64 binary, run on this x64 machine by qemu's user-mode emulator against Debian's
    // arm64 cross libc: the same binary a park's ARM gateway runs, on an emulated CPU.
    private static readonly string Arm64Binary = Path.Combine(Repo.Root, "artifacts", "publish", "linux-arm64", "beidouhub");
    private const string Qemu = "/usr/bin/qemu-aarch64-static";
    private const string Arm64Sysroot = "/usr/aarch64-linux-gnu";

    private static string? Arm64Absent =>
        !File.Exists(Arm64Binary) ? $"{Arm64Binary} not found: run `bash deploy/publish.sh linux-arm64` first (.ci/run does)"
        : !File.Exists(Qemu) ? $"{Qemu} not found (apt-get install qemu-user-static)"
        : !File.Exists(Path.Combine(Arm64Sysroot, "lib", "ld-linux-aarch64.so.1")) ? $"no arm64 libc in {Arm64Sysroot} (apt-get install libc6-arm64-cross)"
        : null;

    [SkippableFact]
    public async Task Serve_WithNoConfiguration_StreamsTheSeedsBesideTheBinary()
    {
        Skip.If(Absent is not null, Absent);
        string work = Directory.CreateTempSubdirectory("beidouhub-published-").FullName;
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using Process service = Start(work, lines,
            "--BeidouHub:Listen=http://127.0.0.1:0", "--BeidouHub:Web:Enabled=false", "--BeidouHub:Metrics:Enabled=false");
        try
        {
            string? url = null;
            await Eventually.True(() => (url = ListeningUrl(lines)) is not null || service.HasExited, "the published service listening");
            Assert.False(service.HasExited, "the published service exited: " + string.Join("\n", lines));

            await AssertStreamsTheThreeSeedsAsync(url!);

            // A fresh start of the embedded default has nothing to warn about (it once warned "No
            // XML encryptor configured": ASP.NET data protection writing a key ring to the home).
            Assert.DoesNotContain(lines, l => l.Contains(" warn: ", StringComparison.Ordinal) || l.Contains(" fail: ", StringComparison.Ordinal));
        }
        finally
        {
            service.Kill();
            await service.WaitForExitAsync();
            Directory.Delete(work, recursive: true);
        }
    }

    [SkippableTheory]
    [InlineData("seeds/park-vehicle-rtk-10hz.nmea")]
    [InlineData("corpus/gpsd/beidou-bd.log")]
    [InlineData("corpus/gpsd/ublox-zed-f9r.log")]
    public async Task DecodeJsonl_IsByteIdenticalToTheJitBuild(string capture)
    {
        Skip.If(Absent is not null, Absent);
        string file;
        if (capture.StartsWith("seeds/", StringComparison.Ordinal))
        {
            file = Repo.Seed(Path.GetFileName(capture));
        }
        else
        {
            Skip.If(Corpus.GpsdDirectory is null, "the shared corpus (../shared/corpus/gpsd) is not there");
            file = Path.Combine(Corpus.GpsdDirectory!, Path.GetFileName(capture));
            Skip.IfNot(File.Exists(file), $"{file} is not in the corpus");
        }

        (int jitExit, byte[] jit) = await RunAsync("dotnet", Path.Combine(AppContext.BaseDirectory, "beidouhub.dll"), "decode", "--format", "jsonl", file);
        (int nativeExit, byte[] native) = await RunAsync(Binary, "decode", "--format", "jsonl", file);

        Assert.Equal(0, jitExit);
        Assert.Equal(jitExit, nativeExit);
        Assert.True(jit.Length > 1000, $"the JIT build wrote only {jit.Length} bytes");
        Assert.Equal(jit.Length, native.Length);
        Assert.True(jit.AsSpan().SequenceEqual(native), "the published binary's JSON lines differ from the JIT build's");
    }

    [SkippableFact]
    public async Task Arm64_DecodeUnderQemu_IsByteIdenticalToTheJitBuild()
    {
        Skip.If(Arm64Absent is not null, Arm64Absent);
        string file = Repo.Seed("park-vehicle-rtk-10hz.nmea");
        (int jitExit, byte[] jit) = await RunAsync("dotnet", Path.Combine(AppContext.BaseDirectory, "beidouhub.dll"), "decode", "--format", "jsonl", file);
        (int armExit, byte[] arm) = await RunAsync(Qemu, "-L", Arm64Sysroot, Arm64Binary, "decode", "--format", "jsonl", file);

        Assert.Equal(0, jitExit);
        Assert.Equal(0, armExit);
        Assert.True(jit.Length > 1000, $"the JIT build wrote only {jit.Length} bytes");
        Assert.True(jit.AsSpan().SequenceEqual(arm), $"the arm64 binary's JSON lines ({arm.Length} bytes) differ from the JIT build's ({jit.Length})");
    }

    [SkippableFact]
    public async Task Arm64_ServeUnderQemu_StreamsTheSeeds()
    {
        Skip.If(Arm64Absent is not null, Arm64Absent);
        string work = Directory.CreateTempSubdirectory("beidouhub-arm64-").FullName;
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using Process service = Start(Qemu, work, lines,
            "-L", Arm64Sysroot, Arm64Binary, "serve",
            "--BeidouHub:Listen=http://127.0.0.1:0", "--BeidouHub:Web:Enabled=false", "--BeidouHub:Metrics:Enabled=false");
        try
        {
            // Emulated, start-up takes seconds rather than a fraction of one.
            string? url = null;
            await Eventually.True(() => (url = ListeningUrl(lines)) is not null || service.HasExited, "the arm64 service listening", seconds: 90);
            Assert.False(service.HasExited, "the arm64 service exited: " + string.Join("\n", lines));

            await AssertStreamsTheThreeSeedsAsync(url!);
        }
        finally
        {
            service.Kill();
            await service.WaitForExitAsync();
            Directory.Delete(work, recursive: true);
        }
    }

    [SkippableFact]
    public async Task WktGrid_IsRefusedWithItsReason()
    {
        Skip.If(Absent is not null, Absent);
        string wkt = "PROJCS[\"local\",GEOGCS[\"CGCS2000\",DATUM[\"China_2000\",SPHEROID[\"CGCS2000\",6378137,298.257222101]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"central_meridian\",113.1],PARAMETER[\"scale_factor\",1],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1]]";
        (int exit, byte[] output) = await RunAsync(Binary, true, "decode", "--grid", wkt, Repo.Seed("park-gate-outage.nmea"));

        // The native build leaves ProjNET's transformations out (WktGrid.IsSupported) and says so.
        Assert.Equal(2, exit);
        Assert.Contains("native (AOT) build", System.Text.Encoding.UTF8.GetString(output), StringComparison.Ordinal);
    }

    // Positions in the park from each of the embedded default's three recordings (seeds/ beside
    // the binary), streamed to a Grpc.Net client.
    private static async Task AssertStreamsTheThreeSeedsAsync(string url)
    {
        using var channel = GrpcChannel.ForAddress(url);
        var client = new Positions.PositionsClient(channel);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using AsyncServerStreamingCall<Position> stream = client.StreamPositions(new StreamPositionsRequest(), cancellationToken: timeout.Token);
        var receivers = new HashSet<string>();
        while (receivers.Count < 3 && await stream.ResponseStream.MoveNext(timeout.Token))
        {
            Position p = stream.ResponseStream.Current;
            Assert.InRange(p.Latitude, 27.8, 27.9);
            Assert.InRange(p.Longitude, 113.1, 113.2);
            receivers.Add(p.ReceiverId);
        }

        Assert.Equal(["gate-1", "truck-1", "walker-1"], receivers.Order());
    }

    private static string? ListeningUrl(IEnumerable<string> lines) =>
        lines.Select(l => Listening().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value;

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();

    private static Process Start(string directory, System.Collections.Concurrent.ConcurrentQueue<string> lines, params string[] args) =>
        Start(Binary, directory, lines, args);

    private static Process Start(string program, string directory, System.Collections.Concurrent.ConcurrentQueue<string> lines, params string[] args)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };

        // A home of its own, as on a fresh install: nothing from an earlier run (ASP.NET's key ring
        // in ~/.aspnet, say) hides what a first start does.
        start.Environment["HOME"] = directory;
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process child = Process.Start(start)!;
        child.OutputDataReceived += (_, e) => { if (e.Data is { } line) { lines.Enqueue(line); } };
        child.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { lines.Enqueue(line); } };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        return child;
    }

    private static Task<(int Exit, byte[] Output)> RunAsync(string program, params string[] args) => RunAsync(program, false, args);

    /// <summary>Runs to the end; the output is stdout's bytes, or stderr's with <paramref name="stderr"/>.</summary>
    private static async Task<(int Exit, byte[] Output)> RunAsync(string program, bool stderr, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process p = Process.Start(start)!;
        using var stdout = new MemoryStream();
        using var error = new MemoryStream();
        await Task.WhenAll(p.StandardOutput.BaseStream.CopyToAsync(stdout), p.StandardError.BaseStream.CopyToAsync(error));
        await p.WaitForExitAsync();
        return (p.ExitCode, (stderr ? error : stdout).ToArray());
    }
}
