using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BeidouHub.Protocol.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace BeidouHub.Bench.Load;

/// <summary>
/// End-to-end load (issue 7): starts the real service (<c>beidouhub serve</c>, the Release build of
/// src/Service) as its own process with a simulated fleet of N receivers at R Hz, subscribes M
/// gRPC clients (one channel, so one HTTP/2 connection, each) to StreamPositions, and reports
/// positions delivered per second, latency, drops, and the service's CPU and RSS.
/// <para>
/// Latency is receive time minus the position's epoch time (<c>Position.time</c>). The simulator
/// writes an epoch when the wall clock reaches its time, so this is "fix time to delivery": with
/// baud=0 the whole epoch is written at once and the figure is the service's own latency (framing
/// to gRPC write) plus the client's; with baud=115200 it adds the serial transmission of the
/// epoch, as a real receiver would. PositionUpdate.PublishedAt is not on the wire, so the hub's
/// part alone is not separable from outside. Clients and service share this machine's cores.
/// </para>
/// </summary>
internal static class LoadHarness
{
    public const string Usage = """
        usage: BeidouHub.Bench load [--receivers N] [--rate HZ] [--subscribers M] [--seconds S] [--warmup S] [--baud B] [--satellites] [--early]
          --receivers N   simulated receivers (sim://?fleet=N), default 1000
          --rate HZ       epochs per second per receiver, default 10
          --subscribers M gRPC StreamPositions clients, default 10
          --seconds S     measured seconds, default 30 (after --warmup, default 10)
          --baud B        serial pacing of the simulator (0 = whole epoch at once), default 115200
          --satellites    ask for satellites in each position (include_satellites)
          --early         DELIVERY_EARLY: positions as soon as the epoch's position sentences are in
                          (default DELIVERY_COMPLETE, which with 1 Hz GSV/ZDA in a 10 Hz stream is
                          handed out when the next epoch begins, one epoch period later)
        needs the Release build of src/Service: dotnet build src/Service -c Release
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        int receivers = 1000, rate = 10, subscribers = 10, seconds = 30, warmup = 10, baud = 115200;
        bool satellites = false, early = false;
        for (int i = 0; i < args.Length; i++)
        {
            bool hasValue = i + 1 < args.Length;
            switch (args[i])
            {
                case "--receivers" when hasValue: receivers = Int(args[++i]); break;
                case "--rate" when hasValue: rate = Int(args[++i]); break;
                case "--subscribers" when hasValue: subscribers = Int(args[++i]); break;
                case "--seconds" when hasValue: seconds = Int(args[++i]); break;
                case "--warmup" when hasValue: warmup = Int(args[++i]); break;
                case "--baud" when hasValue: baud = Int(args[++i]); break;
                case "--satellites": satellites = true; break;
                case "--early": early = true; break;
                default:
                    await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
                    return 2;
            }
        }

        string dll = Path.Combine(Corpus.RepositoryRoot, "src", "Service", "bin", "Release", "net10.0", "beidouhub.dll");
        if (!File.Exists(dll))
        {
            await Console.Error.WriteLineAsync($"{dll} not found; run: dotnet build src/Service -c Release").ConfigureAwait(false);
            return 1;
        }

        int port = FreePort();
        string source = string.Create(CultureInfo.InvariantCulture, $"sim://?fleet={receivers}&rate={rate}&baud={baud}");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                dll, "serve",
                $"--BeidouHub:Listen=http://127.0.0.1:{port}",
                "--BeidouHub:Receivers:0:Id=sim",
                $"--BeidouHub:Receivers:0:Source={source}",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        Console.WriteLine($"service: dotnet {string.Join(' ', start.ArgumentList)}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average {LoadAverage()}");
        using Process service = Process.Start(start) ?? throw new InvalidOperationException("could not start the service");
        var serviceLog = new List<string>();
        service.OutputDataReceived += (_, e) => Log(serviceLog, e.Data);
        service.ErrorDataReceived += (_, e) => Log(serviceLog, e.Data);
        service.BeginOutputReadLine();
        service.BeginErrorReadLine();
        try
        {
            return await MeasureAsync(service, port, receivers, rate, subscribers, seconds, warmup, new StreamPositionsRequest { IncludeSatellites = satellites, Delivery = early ? Delivery.Early : Delivery.Complete }).ConfigureAwait(false);
        }
        finally
        {
            if (!service.HasExited)
            {
                service.Kill(entireProcessTree: true);
                await service.WaitForExitAsync().ConfigureAwait(false);
            }

            lock (serviceLog)
            {
                foreach (string line in serviceLog.TakeLast(5))
                {
                    Console.WriteLine($"service log: {line}");
                }
            }
        }
    }

    private static async Task<int> MeasureAsync(Process service, int port, int receivers, int rate, int subscribers, int seconds, int warmup, StreamPositionsRequest request)
    {
        var address = new Uri($"http://127.0.0.1:{port}");
        if (!await WaitForReceiversAsync(address, receivers, TimeSpan.FromSeconds(60)).ConfigureAwait(false))
        {
            await Console.Error.WriteLineAsync("the service did not list its receivers within 60 s").ConfigureAwait(false);
            return 1;
        }

        using var stop = new CancellationTokenSource();
        var clients = new Client[subscribers];
        var tasks = new Task[subscribers];
        for (int i = 0; i < subscribers; i++)
        {
            clients[i] = new Client(address, request);
            tasks[i] = clients[i].RunAsync(stop.Token);
        }

        Console.WriteLine($"warming up {warmup} s ({receivers} receivers x {rate} Hz, {subscribers} subscribers, {request.Delivery}, satellites {request.IncludeSatellites})...");
        await Task.Delay(TimeSpan.FromSeconds(warmup)).ConfigureAwait(false);

        foreach (Client c in clients)
        {
            c.StartMeasuring();
        }

        TimeSpan cpu0 = ProcessCpu(service);
        TimeSpan clientCpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        long peakRss = 0;
        for (int s = 0; s < seconds; s++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            peakRss = Math.Max(peakRss, Rss(service));
        }

        foreach (Client c in clients)
        {
            c.StopMeasuring();
        }

        double elapsed = wall.Elapsed.TotalSeconds;
        TimeSpan cpu1 = ProcessCpu(service);
        TimeSpan clientCpu1 = Process.GetCurrentProcess().TotalProcessorTime;
        long rssEnd = Rss(service);
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(tasks).ConfigureAwait(false);

        long delivered = clients.Sum(c => c.Received);
        long dropped = clients.Sum(c => c.Dropped);
        float[] latencies = [.. clients.SelectMany(c => c.Latencies)];
        Array.Sort(latencies);
        double expected = (double)receivers * rate * subscribers;
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"measured {elapsed:0.0} s, load average {LoadAverage()}"));
        Console.WriteLine(string.Create(inv, $"positions delivered: {delivered / elapsed:0} /s over {subscribers} subscribers (offered {expected:0} /s = {receivers} x {rate} Hz x {subscribers}); per subscriber min {clients.Min(c => c.Received) / elapsed:0} /s, max {clients.Max(c => c.Received) / elapsed:0} /s"));
        Console.WriteLine(string.Create(inv, $"dropped (reported by the service in Position.dropped): {dropped}; client errors: {clients.Count(c => c.Error is not null)}"));
        if (latencies.Length > 0)
        {
            Console.WriteLine(string.Create(inv, $"latency receive - epoch time, ms: p50 {Percentile(latencies, 0.50):0.0}, p90 {Percentile(latencies, 0.90):0.0}, p99 {Percentile(latencies, 0.99):0.0}, p99.9 {Percentile(latencies, 0.999):0.0}, max {latencies[^1]:0.0} ({latencies.Length} samples)"));
        }

        Console.WriteLine(string.Create(inv, $"service process: CPU {(cpu1 - cpu0).TotalSeconds / elapsed * 100:0}% of one core ({Environment.ProcessorCount} cores), RSS {rssEnd / 1e6:0} MB at the end, {peakRss / 1e6:0} MB peak (1 s samples)"));
        Console.WriteLine(string.Create(inv, $"client process (this one, {subscribers} subscribers): CPU {(clientCpu1 - clientCpu0).TotalSeconds / elapsed * 100:0}% of one core; client and service share the machine"));
        foreach (Client c in clients.Where(c => c.Error is not null).Take(3))
        {
            Console.WriteLine($"client error: {c.Error}");
        }

        return 0;
    }

    private static async Task<bool> WaitForReceiversAsync(Uri address, int receivers, TimeSpan timeout)
    {
        using GrpcChannel channel = GrpcChannel.ForAddress(address);
        var client = new Receivers.ReceiversClient(channel);
        var wait = Stopwatch.StartNew();
        while (wait.Elapsed < timeout)
        {
            try
            {
                ListReceiversResponse r = await client.ListReceiversAsync(new ListReceiversRequest()).ResponseAsync.ConfigureAwait(false);
                if (r.Receivers.Count >= receivers)
                {
                    return true;
                }
            }
            catch (RpcException)
            {
                // Not listening yet.
            }

            await Task.Delay(250).ConfigureAwait(false);
        }

        return false;
    }

    private static double Percentile(float[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static int Int(string s) => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);

    private static void Log(List<string> log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.Add(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static TimeSpan ProcessCpu(Process p)
    {
        p.Refresh();
        return p.TotalProcessorTime;
    }

    private static long Rss(Process p)
    {
        p.Refresh();
        return p.WorkingSet64;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>One subscriber: its own channel (HTTP/2 connection) and StreamPositions call.</summary>
    private sealed class Client(Uri address, StreamPositionsRequest request)
    {
        private readonly List<float> _latencies = new(1 << 20);
        private volatile bool _measuring;

        public long Received { get; private set; }

        public long Dropped { get; private set; }

        public Exception? Error { get; private set; }

        public IReadOnlyList<float> Latencies => _latencies;

        public void StartMeasuring() => _measuring = true;

        public void StopMeasuring() => _measuring = false;

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            try
            {
                using GrpcChannel channel = GrpcChannel.ForAddress(address);
                var client = new Positions.PositionsClient(channel);
                using AsyncServerStreamingCall<Position> call = client.StreamPositions(request, cancellationToken: cancellationToken);
                await foreach (Position p in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (!_measuring)
                    {
                        continue;
                    }

                    Received++;
                    Dropped += (long)p.Dropped;
                    if (p.Time is { } time)
                    {
                        _latencies.Add((float)(DateTime.UtcNow - time.ToDateTime()).TotalMilliseconds);
                    }
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
            {
                // Stopped by the harness.
            }
            catch (OperationCanceledException)
            {
                // Stopped by the harness.
            }
            catch (RpcException e)
            {
                Error = e;
            }
        }
    }
}
