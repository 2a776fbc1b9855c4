using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BeidouHub.Protocol.V1;
using BeidouHub.Service.Security;
using Grpc.Core;
using Grpc.Net.Client;

namespace BeidouHub.Bench.Load;

/// <summary>
/// End-to-end load (issue 7): N simulated receivers at R Hz fed from this process into the real
/// service (<c>beidouhub serve</c>, the Release build of src/Service, its own process) over
/// loopback TCP or real pseudo-terminals, M gRPC subscribers to StreamPositions in this process.
/// Reports positions delivered per second, the latency from the source write to the subscriber
/// holding the Position (EARLY: from the write of the last byte of the epoch's position sentences;
/// COMPLETE: from the write of the epoch's last byte), dropped and missing updates, and the CPU
/// and RSS of the service, of this process and of the feeder thread. The replay transport lets
/// the service replay the seed itself: throughput, drops and CPU only, no latency.
/// </summary>
internal static class LoadHarness
{
    public const string Usage = """
        usage: BeidouHub.Bench load [options]
          --transport T   tcp (default): the feeder writes loopback TCP connections, one listener per receiver
                          pty: real pseudo-terminals, the service opens the slaves as serial ports (serial path)
                          replay: the service replays the seed itself (replay://...?loop=true); no latency measured
          --receivers N   default 1000
          --rate HZ       epochs per second per receiver, default 10 (the seed is 10 Hz; other rates re-time it)
          --subscribers M gRPC StreamPositions clients, default 10
          --delivery D    both (default: half EARLY, half COMPLETE), early, complete
          --phase P       aligned (default: every receiver's epoch starts at the same instant, as on GPS time)
                          staggered (epoch starts spread evenly over the period)
          --baud B        UART pacing, default 115200 (10 bits per byte; 0 = each epoch in one write)
          --serial-io I   with --transport pty: the service's serial source: default (no io parameter: the
                          service's default, epoll on Linux), ports (serial://...&io=ports, System.IO.Ports)
                          or epoll (serial://...&io=epoll)
          --tick-ms T     the feeder wakes at most every T ms (default 1) and writes what is due
          --writes W      sentence (default): one write per sentence, when its last byte leaves the UART
                          parts: two writes per epoch, the position sentences when the last of their bytes
                          leaves the UART and the rest when the epoch's last byte does (the stamped moments
                          are the same; the bytes in between come later, in one piece): a tenth of the
                          writes, for machines that cannot feed 1,000 receivers sentence by sentence
          --seconds S     measured seconds, default 30, after --warmup S, default 10
          --satellites    ask for satellites in each position (include_satellites)
          --client C      grpc (default): each subscriber a Grpc.Net.Client channel, as a park's .NET application
                          h2: each subscriber a plain socket speaking HTTP/2 and gRPC's framing by hand, as lean
                          as the gpsd watchers, so that the harness's own client cost is not measured as the
                          service's (50 subscribers share the service's cores here)
          --seed FILE     capture to replay, default seeds/park-vehicle-rtk-10hz.nmea
          --service-log F where to write the service's console output (default: beidouhub-load-service.log in the temp folder)
          --service-dll F the service to start (default: this repository's src/Service/bin/Release/net10.0/beidouhub.dll);
                          a copy of another build's output folder, for A/B runs alternated in one time window,
                          or a published executable (deploy/publish.sh: artifacts/publish/linux-x64/beidouhub)
          --auth A        off (default): the service as configured out of the box, open on loopback
                          on: each subscriber is its own application with its own API key (BeidouHub:Applications)
                          and scope: even ones receivers rx-* (a pattern), odd ones every receiver id listed (a set)
                          ab: runs off, on, off, on ... (--rounds pairs) and prints their figures side by side
          --rounds N      with --auth ab: pairs of runs, default 2
          --samples F     write each measured message to F, one line each: the feeder's stamp, the moment a subscriber
                          held it and Position.published_at (0 for gpsd), in µs of the wall clock, for bench/fanout-timeline.py
          --server S      beidouhub (default), or gpsd: the same feed into gpsd (with --transport pty: gpsd -N -n -b
                          on the pty slaves, its own port), --subscribers gpsd JSON watchers (?WATCH json) instead of
                          gRPC subscribers (--delivery does not apply); each epoch's first TPV is measured as EARLY is,
                          from the last byte of the epoch's position sentences (gpsd 3.22 reports before the epoch's
                          last sentence). --gpsd F: the gpsd to run (default gpsd on the PATH; apt-get install gpsd)
          --ceiling LIST  run once per receiver count in LIST (e.g. 250,500,1000,1500,2000) with the other
                          options, and stop after the first step where updates are dropped or missing, or
                          a p99 passes 50 ms
        two machines (the service on one, this harness on the other; bench/README.md, "Load", has the recipe):
          --service-url U  use the service already running at U (http://host:port, the address this machine
                           reaches its BeidouHub:Listen at) instead of starting one; tcp only. The harness
                           writes the configuration that service must run with (--receivers-env) and waits
                           up to 10 min for it to connect to every receiver
          --feed-bind A    the address the receivers listen on and the sources name (default 127.0.0.1); with
                           --service-url, an address of this machine that the service machine can reach
          --feed-port P    receiver i listens on port P + i (default: ports the system picks; with --service-url
                           20000), so a service started once can be fed run after run
          --receivers-env F  where --service-url writes the service's configuration (default:
                           beidouhub-load-receivers.env in the temp folder)
          --service-pid PID  with --service-url, when that service runs on this machine: its process, for its
                           CPU and RSS (otherwise they are not measured: read them on the service machine)
        needs the Release build of src/Service (unless --service-url): dotnet build src/Service -c Release
        """;

    // Below the Linux ephemeral range (32768-60999), so no outgoing connection holds one of them.
    private const int RemoteFirstPort = 20000;

    private const double CeilingP99Ms = 50;
    private const double FeederLateMs = 5;

    public static async Task<int> RunAsync(string[] args)
    {
        var o = new LoadOptions();
        int[]? ceiling = null;
        string auth = "off";
        int rounds = 2;
        for (int i = 0; i < args.Length; i++)
        {
            bool hasValue = i + 1 < args.Length;
            switch (args[i])
            {
                case "--transport" when hasValue && args[i + 1] is "tcp" or "pty" or "replay": o.Transport = args[++i]; break;
                case "--receivers" when hasValue: o.Receivers = Int(args[++i]); break;
                case "--rate" when hasValue: o.Rate = Int(args[++i]); break;
                case "--subscribers" when hasValue: o.Subscribers = Int(args[++i]); break;
                case "--delivery" when hasValue && args[i + 1] is "both" or "early" or "complete": o.Delivery = args[++i]; break;
                case "--phase" when hasValue && args[i + 1] is "aligned" or "staggered": o.Staggered = args[++i] == "staggered"; break;
                case "--baud" when hasValue: o.Baud = Int(args[++i]); break;
                case "--serial-io" when hasValue && args[i + 1] is "default" or "ports" or "epoll": o.SerialIo = args[++i]; break;
                case "--service-dll" when hasValue: o.ServiceDll = Path.GetFullPath(args[++i]); break;
                case "--writes" when hasValue && args[i + 1] is "sentence" or "parts": o.Parts = args[++i] == "parts"; break;
                case "--tick-ms" when hasValue: o.Tick = TimeSpan.FromMilliseconds(double.Parse(args[++i], CultureInfo.InvariantCulture)); break;
                case "--seconds" when hasValue: o.Seconds = Int(args[++i]); break;
                case "--warmup" when hasValue: o.Warmup = Int(args[++i]); break;
                case "--satellites": o.Satellites = true; break;
                case "--client" when hasValue && args[i + 1] is "grpc" or "h2": o.H2Client = args[++i] == "h2"; break;
                case "--seed" when hasValue: o.SeedPath = Path.GetFullPath(args[++i]); break;
                case "--service-log" when hasValue: o.ServiceLog = Path.GetFullPath(args[++i]); break;
                case "--ceiling" when hasValue: ceiling = [.. args[++i].Split(',').Select(Int)]; break;
                case "--auth" when hasValue && args[i + 1] is "off" or "on" or "ab": auth = args[++i]; break;
                case "--rounds" when hasValue: rounds = Int(args[++i]); break;
                case "--service-url" when hasValue && Uri.TryCreate(args[i + 1], UriKind.Absolute, out Uri? url) && url.Scheme == "http": o.ServiceUrl = url; i++; break;
                case "--feed-bind" when hasValue && IPAddress.TryParse(args[i + 1], out IPAddress? bind): o.FeedBind = bind; i++; break;
                case "--feed-port" when hasValue: o.FeedPort = Int(args[++i]); break;
                case "--receivers-env" when hasValue: o.ReceiversEnv = Path.GetFullPath(args[++i]); break;
                case "--service-pid" when hasValue: o.ServicePid = Int(args[++i]); break;
                case "--server" when hasValue && args[i + 1] is "beidouhub" or "gpsd": o.Gpsd = args[++i] == "gpsd"; break;
                case "--gpsd" when hasValue: o.GpsdPath = args[++i]; break;
                case "--samples" when hasValue: o.SamplesFile = Path.GetFullPath(args[++i]); break;
                default:
                    await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
                    return 2;
            }
        }

        if (o.Receivers < 1 || o.Rate < 1 || o.Subscribers < 1 || o.Seconds < 1 || o.Warmup < 0 || o.Baud < 0 || rounds < 1
            || (auth != "off" && (o.ServiceUrl is not null || ceiling is not null)))
        {
            await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        if (o.Gpsd && (o.Transport != "pty" || auth != "off" || o.ServiceUrl is not null))
        {
            await Console.Error.WriteLineAsync($"--server gpsd needs --transport pty, and takes neither --auth nor --service-url\n{Usage}").ConfigureAwait(false);
            return 2;
        }

        string dll = o.ServiceDll ?? Path.Combine(Corpus.RepositoryRoot, "src", "Service", "bin", "Release", "net10.0", "beidouhub.dll");
        o.FeedPort = o.ServiceUrl is not null && o.FeedPort == 0 ? RemoteFirstPort : o.FeedPort;
        string? error = FeedOptionsError(o, ceiling);
        if (error is not null)
        {
            await Console.Error.WriteLineAsync($"{error}\n{Usage}").ConfigureAwait(false);
            return 2;
        }

        if (o.ServiceUrl is not null)
        {
            WriteReceiversEnv(o, ceiling is null ? o.Receivers : ceiling.Max());
        }
        else if (!o.Gpsd && !File.Exists(dll))
        {
            await Console.Error.WriteLineAsync($"{dll} not found; run: dotnet build src/Service -c Release").ConfigureAwait(false);
            return 1;
        }

        if (auth == "ab")
        {
            return await AlternateAsync(dll, o, rounds).ConfigureAwait(false);
        }

        if (ceiling is null)
        {
            o.Auth = auth == "on";
            return await RunOnceAsync(dll, o).ConfigureAwait(false) is null ? 1 : 0;
        }

        var summary = new List<string>();
        foreach (int n in ceiling)
        {
            o.Receivers = n;
            Console.WriteLine($"=== ceiling step: {n} receivers ===");
            LoadResult? r = await RunOnceAsync(dll, o).ConfigureAwait(false);
            if (r is null)
            {
                summary.Add($"{n,6} receivers: run failed");
                break;
            }

            summary.Add(r.SummaryLine);
            Console.WriteLine();
            if (r.Dropped > 0 || r.Missing > 0 || r.WorstP99Ms > CeilingP99Ms)
            {
                summary.Add(string.Create(CultureInfo.InvariantCulture, $"ceiling: reached at {n} receivers (dropped {r.Dropped}, missing {r.Missing}, worst p99 {r.WorstP99Ms:0.0} ms; limit: any drop or p99 > {CeilingP99Ms} ms)"));
                break;
            }
        }

        Console.WriteLine("=== ceiling summary ===");
        summary.ForEach(Console.WriteLine);
        return 0;
    }

    /// <summary>
    /// --auth ab: runs without and with access control in turns, in one session, so both see the
    /// same machine (the load of other processes drifts over minutes); a table at the end.
    /// </summary>
    private static async Task<int> AlternateAsync(string dll, LoadOptions o, int rounds)
    {
        var table = new List<string>();
        for (int r = 0; r < rounds * 2; r++)
        {
            o.Auth = r % 2 == 1;
            Console.WriteLine($"=== run {r + 1} of {rounds * 2}: auth {(o.Auth ? "on" : "off")} ===");
            string loadBefore = LoadAverage();
            LoadResult? result = await RunOnceAsync(dll, o).ConfigureAwait(false);
            string line = result is null ? "run failed" : result.SummaryLine;
            table.Add($"auth {(o.Auth ? "on " : "off")} | load average before {loadBefore}, after {LoadAverage()} | {line}");
            Console.WriteLine();
        }

        Console.WriteLine("=== auth ab summary (runs in the order made) ===");
        table.ForEach(Console.WriteLine);
        return 0;
    }

    private static async Task<LoadResult?> RunOnceAsync(string dll, LoadOptions o)
    {
        SeedEpochs seed = SeedEpochs.Load(o.SeedPath);
        IFeedTransport? created;
        try
        {
            created = o.Transport switch
            {
                "tcp" => new TcpFeedTransport(o.Receivers, o.FeedBind, o.FeedPort),
                "pty" => new PtyFeedTransport(o.Receivers, o.SerialIo),
                _ => null,
            };
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return null;
        }

        using IFeedTransport? transport = created;
        if (o.ServiceUrl is not null)
        {
            using Process? local = o.ServicePid is int pid ? Process.GetProcessById(pid) : null;
            Console.WriteLine($"service: {o.ServiceUrl}, not started by the harness{(local is null ? "" : $" (process {local.Id}, {local.ProcessName}: its CPU and RSS are measured)")}; {o.Receivers} receivers rx-0.. listening on {TcpFeedTransport.Source(new IPEndPoint(o.FeedBind, o.FeedPort))} and up");
            Console.WriteLine($"harness machine: {MachineLine()}");
            Console.WriteLine($"waiting up to 10 min for the service to connect to them: start it with the configuration in {o.ReceiversEnv} (its first lines say how)");
            return await MeasureAsync(local, o.ServiceUrl, seed, transport, o).ConfigureAwait(false);
        }

        int port = FreePort();
        if (o.Gpsd)
        {
            return await RunGpsdAsync(port, seed, (PtyFeedTransport)transport!, o).ConfigureAwait(false);
        }

        // A .dll runs through dotnet (the JIT build); anything else is a published executable
        // (deploy/publish.sh: artifacts/publish/RID/beidouhub), run as it is.
        bool managed = dll.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var start = new ProcessStartInfo(managed ? "dotnet" : dll)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (managed)
        {
            start.ArgumentList.Add(dll);
        }

        start.ArgumentList.Add("serve");

        // Receivers through the environment (BeidouHub__Receivers__i__...): a thousand of them
        // would make an unreadable command line.
        string replay = string.Create(CultureInfo.InvariantCulture, $"replay://{o.SeedPath}?loop=true&speed={o.Rate / 10.0}");
        foreach ((string name, string value) in ServiceEnvironment($"http://127.0.0.1:{port}", o.Receivers, i => transport?.SourceUri(i) ?? replay))
        {
            start.Environment[name] = value;
        }

        o.Keys = o.Auth ? [.. Enumerable.Range(0, o.Subscribers).Select(_ => ApiKey.Generate())] : [];
        foreach ((string name, string value) in ApplicationsEnvironment(o.Keys, o.Receivers))
        {
            start.Environment[name] = value;
        }

        Console.WriteLine($"service: dotnet {dll} serve, BeidouHub__Listen=http://127.0.0.1:{port}, {o.Receivers} receivers rx-0.. (BeidouHub__Receivers__i__Source, e.g. {transport?.SourceUri(0) ?? replay})"
            + (o.Auth ? $"; access control on: {o.Subscribers} applications app-0.. each with its own key, scope rx-* (even) or all {o.Receivers} ids listed (odd)" : "; access control off (open on loopback)"));
        Console.WriteLine($"machine: {MachineLine()}");
        using Process service = Process.Start(start) ?? throw new InvalidOperationException("could not start the service");
        return await MeasureServerAsync(service, new Uri($"http://127.0.0.1:{port}"), seed, transport, o, "beidouhub-load-service.log", ["warn:", "fail:", "crit:", "Exception"]).ConfigureAwait(false);
    }

    /// <summary>
    /// --server gpsd: gpsd on the ptys' slaves in the foreground (-N), opening them at once (-n),
    /// read-only (-b: it sends the receivers nothing, as BeidouHub does not), on its own port and
    /// control socket, so it stays apart from a gpsd the machine may run.
    /// </summary>
    private static async Task<LoadResult?> RunGpsdAsync(int port, SeedEpochs seed, PtyFeedTransport transport, LoadOptions o)
    {
        string control = Path.Combine(Path.GetTempPath(), $"beidouhub-load-gpsd-{port}.sock");
        var start = new ProcessStartInfo(o.GpsdPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in (string[])["-N", "-n", "-b", "-S", port.ToString(CultureInfo.InvariantCulture), "-F", control])
        {
            start.ArgumentList.Add(a);
        }

        for (int i = 0; i < o.Receivers; i++)
        {
            start.ArgumentList.Add(transport.SlavePath(i));
        }

        Console.WriteLine($"server: {o.GpsdPath} -N -n -b -S {port} -F {control} {transport.SlavePath(0)}{(o.Receivers > 1 ? " ..." : "")} ({o.Receivers} ptys, receivers rx-0..)");
        Console.WriteLine($"machine: {MachineLine()}");
        Process gpsd;
        try
        {
            gpsd = Process.Start(start) ?? throw new InvalidOperationException("could not start gpsd");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            await Console.Error.WriteLineAsync($"could not start {o.GpsdPath} ({e.Message}); apt-get install gpsd, or --gpsd PATH").ConfigureAwait(false);
            return null;
        }

        using Process started = gpsd;
        try
        {
            return await MeasureServerAsync(gpsd, new Uri($"tcp://127.0.0.1:{port}"), seed, transport, o, "beidouhub-load-gpsd.log", ["ERROR", "WARN"]).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(control);
        }
    }

    // Measures with the server the harness started, keeping its console output; then ends it (by
    // its process) and writes that output to --service-log or LOGNAME in the temp folder, echoing
    // the lines that hold any of the marks.
    private static async Task<LoadResult?> MeasureServerAsync(Process server, Uri address, SeedEpochs seed, IFeedTransport? transport, LoadOptions o, string logName, string[] marks)
    {
        var log = new List<string>();
        server.OutputDataReceived += (_, e) => Log(log, e.Data);
        server.ErrorDataReceived += (_, e) => Log(log, e.Data);
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            return await MeasureAsync(server, address, seed, transport, o).ConfigureAwait(false);
        }
        finally
        {
            await StopAsync(server, log, o.ServiceLog ?? Path.Combine(Path.GetTempPath(), logName), marks).ConfigureAwait(false);
        }
    }

    private static async Task StopAsync(Process server, List<string> log, string logFile, string[] marks)
    {
        if (!server.HasExited)
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync().ConfigureAwait(false);
        }

        lock (log)
        {
            File.WriteAllLines(logFile, log);
            Console.WriteLine($"service log: {log.Count} lines in {logFile}; warnings and errors:");
            foreach (string line in log.Where(l => marks.Any(m => l.Contains(m, StringComparison.Ordinal))).Take(10))
            {
                Console.WriteLine($"service log: {line}");
            }
        }
    }

    /// <param name="service">The service's process when it runs on this machine (started here or
    /// given by --service-pid), for its CPU and RSS; null when it runs elsewhere.</param>
    private static async Task<LoadResult?> MeasureAsync(Process? service, Uri address, SeedEpochs seed, IFeedTransport? transport, LoadOptions o)
    {
        // A service on another machine is started by hand once the harness listens.
        TimeSpan connectTimeout = TimeSpan.FromSeconds(o.ServiceUrl is null ? 120 : 600);
        var setup = Stopwatch.StartNew();
        try
        {
            if (transport is not null)
            {
                await transport.ConnectAsync(connectTimeout).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"the service did not connect to every receiver within {connectTimeout.TotalSeconds} s").ConfigureAwait(false);
            return null;
        }

        string? Key(int subscriber) => o.Keys.Length == 0 ? null : o.Keys[subscriber].Key;
        Metadata? Headers(int subscriber) => Key(subscriber) is { } key ? new Metadata { { "authorization", "Bearer " + key } } : null;
        Dictionary<string, int> devices = transport is PtyFeedTransport ptys
            ? Enumerable.Range(0, o.Receivers).ToDictionary(ptys.SlavePath)
            : [];
        bool ready = o.Gpsd
            ? await GpsdWatcher.WaitForDevicesAsync(address.Port, devices.Keys, TimeSpan.FromSeconds(120), service).ConfigureAwait(false)
            : await WaitForReceiversAsync(address, o.Receivers, TimeSpan.FromSeconds(120), Headers(0)).ConfigureAwait(false);
        if (!ready)
        {
            await Console.Error.WriteLineAsync(service?.HasExited == true
                ? $"the server exited with code {service.ExitCode} before every receiver was connected (its log follows)"
                : $"the service at {address} did not report every receiver connected within 120 s").ConfigureAwait(false);
            return null;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{o.Receivers} receivers connected after {setup.Elapsed.TotalSeconds:0.0} s"));

        long f = Stopwatch.Frequency;
        long feedStart = Stopwatch.GetTimestamp() + f;
        long windowStart = feedStart + (o.Warmup * f);
        long windowEnd = windowStart + (o.Seconds * f);
        Feeder? feeder = transport is null ? null
            : new Feeder(seed, transport, o.Receivers, o.Rate, o.Baud, o.Staggered, o.Parts, feedStart, o.Tick, windowStart, windowEnd);

        using var stop = new CancellationTokenSource();
        var subscribers = new IWatcher[o.Subscribers];
        var tasks = new Task[o.Subscribers];
        for (int i = 0; i < o.Subscribers; i++)
        {
            bool early = o.Delivery == "early" || (o.Delivery == "both" && i % 2 == 1);
            var request = new StreamPositionsRequest { IncludeSatellites = o.Satellites, Delivery = early ? Delivery.Early : Delivery.Complete };
            subscribers[i] = o.Gpsd
                ? new GpsdWatcher(address.Port, devices, seed, feeder!, windowStart, windowEnd) { Samples = o.SamplesFile is null ? null : [] }
                : o.H2Client
                    ? new H2Subscriber(address, request, seed, feeder, windowStart, windowEnd, Key(i)) { Samples = o.SamplesFile is null ? null : [] }
                    : new Subscriber(address, request, seed, feeder, windowStart, windowEnd, Headers(i)) { Samples = o.SamplesFile is null ? null : [] };
            tasks[i] = subscribers[i].RunAsync(stop.Token);
        }

        Thread? feederThread = feeder?.Start(stop.Token);
        Console.WriteLine($"feeding {o.Receivers} receivers x {o.Rate} Hz over {o.Transport}" + (feeder is null ? "" : $", {o.Baud} baud, phase {(o.Staggered ? "staggered" : "aligned")}, {(o.Parts ? "two writes per epoch" : "one write per sentence")}, tick {o.Tick.TotalMilliseconds} ms")
            + (o.Gpsd ? $"; {o.Subscribers} gpsd JSON watchers" : $"; {o.Subscribers} subscribers ({o.Delivery}, {(o.H2Client ? "HTTP/2 by hand" : "Grpc.Net.Client")}), satellites {o.Satellites}") + $"; warm-up {o.Warmup} s, measuring {o.Seconds} s...");

        await DelayUntil(windowStart).ConfigureAwait(false);
        DateTime windowStartUtc = DateTime.UtcNow;
        Process self = Process.GetCurrentProcess();
        TimeSpan cpu0 = ProcessCpu(service), selfCpu0 = ProcessCpu(self);
        TimeSpan feederCpu0 = feeder is null ? TimeSpan.Zero : PseudoTerminal.ThreadCpuTime(feeder.ThreadId);
        long peakRss = 0;
        for (int s = 1; s <= o.Seconds; s++)
        {
            await DelayUntil(windowStart + (s * f)).ConfigureAwait(false);
            peakRss = Math.Max(peakRss, Rss(service));
        }

        TimeSpan cpu1 = ProcessCpu(service), selfCpu1 = ProcessCpu(self);
        TimeSpan feederCpu1 = feeder is null ? TimeSpan.Zero : PseudoTerminal.ThreadCpuTime(feeder.ThreadId);
        long rssEnd = Rss(service);
        DateTime windowEndUtc = DateTime.UtcNow;
        string loadAfter = LoadAverage();

        // Let the window's last epochs arrive (late ones are what the latency is about), then stop.
        await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(tasks).ConfigureAwait(false);
        feederThread?.Join();

        var inv = CultureInfo.InvariantCulture;
        double seconds = o.Seconds;
        var result = new LoadResult { Receivers = o.Receivers };
        Console.WriteLine($"measured {seconds:0} s ({windowStartUtc:HH:mm:ss}-{windowEndUtc:HH:mm:ss} UTC), load average after {loadAfter}{(service is null ? " (this machine)" : "")}");
        if (service?.HasExited == true)
        {
            Console.WriteLine($"SERVICE EXITED with code {service.ExitCode} during the run (see --service-log)");
        }

        if (feeder is not null)
        {
            Console.WriteLine(string.Create(inv, $"feeder: {feeder.Epochs} epochs, {feeder.Writes} writes, {feeder.Bytes / 1e6:0.0} MB in all; in the window {feeder.CompleteInWindow / seconds:0} epochs/s; write lateness vs UART schedule p50 {feeder.Lateness.PercentileMs(0.5):0.00} ms, p99 {feeder.Lateness.PercentileMs(0.99):0.00} ms, max {feeder.Lateness.MaxMs:0.0} ms; stalls (kernel buffer full) {feeder.Stalls}; receivers lost {feeder.Lost}{(feeder.Error is null ? "" : $"; ERROR {feeder.Error.Message}")}"));
        }

        long delivered = 0, expectedTotal = 0;
        foreach (bool early in new[] { true, false })
        {
            IWatcher[] kind = [.. subscribers.Where(s => s.Early == early)];
            if (kind.Length == 0)
            {
                continue;
            }

            string name = o.Gpsd ? "gpsd TPV" : early ? "EARLY" : "COMPLETE";
            long received = kind.Sum(s => s.Received);
            long dropped = kind.Sum(s => s.Dropped);
            long expected = feeder is null ? (long)o.Receivers * o.Rate * o.Seconds * kind.Length
                : (early ? feeder.EarlyInWindow : feeder.CompleteInWindow) * kind.Length;
            long missing = Math.Max(0, expected - received);
            delivered += received;
            expectedTotal += expected;
            result.Dropped += dropped;
            result.Missing += feeder is null ? 0 : missing;
            Console.WriteLine(string.Create(inv, $"{name} x {kind.Length}: received {received / seconds:0} /s of {expected / seconds:0} /s fed ({(feeder is null ? "nominal" : "epochs written in the window x subscribers")}); dropped (Position.dropped) {dropped}; missing {(feeder is null ? "n/a" : missing)}; unmatched {kind.Sum(s => s.Unmatched)}; handed out before the stamped byte was written {kind.Sum(s => s.BeforeLastByte)}; per subscriber min {kind.Min(s => s.Received) / seconds:0} /s, max {kind.Max(s => s.Received) / seconds:0} /s"));
            if (!o.Gpsd && kind.Sum(s => s.BeforeLastByte) > 0)
            {
                // (Not for gpsd, which reports at a sentence of its choosing until it has learned the
                // cycle.) One per receiver and subscriber is its join; a receiver with more either joined in
                // the seed's outage (a second at the first sky epoch with a fix) or is one whose
                // cycle the assembler keeps ending too soon.
                var perReceiver = kind.SelectMany(s => s.BeforeLastBytePerReceiver).GroupBy(p => p.Key).Select(g => (Receiver: g.Key, Most: g.Max(p => p.Value))).ToList();
                var repeated = perReceiver.Where(r => r.Most > 1).OrderByDescending(r => r.Most).ToList();
                Console.WriteLine(string.Create(inv, $"  handed out before the stamped byte, per receiver: {perReceiver.Count} receivers, of which {repeated.Count} more than once in one subscriber (expected: at most one per cycle shape a receiver has not seen yet, i.e. one at its join and, for one that joined in the seed's outage, one more when the fix returns; a feeder running a quarter cycle late mid-epoch also makes one, as the idle flush then cuts it){(repeated.Count > 0 ? $"; most: {string.Join(", ", repeated.Take(5).Select(r => $"rx-{r.Receiver} {r.Most}x"))}" : "")}"));
            }

            if (feeder is not null)
            {
                var h = new LatencyHistogram();
                foreach (IWatcher s in kind)
                {
                    h.Merge(s.Latency);
                }

                string from = early ? "write of the last byte of the epoch's position sentences" : "write of the epoch's last byte";
                string held = o.Gpsd ? "TPV held by the watcher" : "Position held by the subscriber";
                Console.WriteLine(string.Create(inv, $"  latency {from} -> {held}, ms: p50 {h.PercentileMs(0.5):0.00}, p90 {h.PercentileMs(0.9):0.00}, p99 {h.PercentileMs(0.99):0.00}, p99.9 {h.PercentileMs(0.999):0.00}, max {h.MaxMs:0.0} ({h.Count} samples{(h.NegativeCount > 0 ? $", {h.NegativeCount} NEGATIVE" : "")})"));
                if (o.Gpsd)
                {
                    GpsdWatcher[] watchers = [.. kind.OfType<GpsdWatcher>()];
                    var end = new LatencyHistogram();
                    foreach (GpsdWatcher w in watchers)
                    {
                        end.Merge(w.FromEpochEnd);
                    }

                    Console.WriteLine(string.Create(inv, $"  TPVs held before the epoch's last byte was written (gpsd does not wait for the cycle's end) {watchers.Sum(w => w.BeforeEpochEnd)}; after it {end.Count}{(end.Count == 0 ? "" : $", measured from that byte: p50 {end.PercentileMs(0.5):0.00}, p99 {end.PercentileMs(0.99):0.00} ms")}; further TPVs of an epoch already reported (not measured) {watchers.Sum(w => w.Repeated)}; TPVs without a time {watchers.Sum(w => w.Untimed)}"));
                }

                var hub = new LatencyHistogram();
                foreach (IWatcher s in kind)
                {
                    hub.Merge(s.FromPublish);
                }

                if (hub.Count > 0)
                {
                    Console.WriteLine(string.Create(inv, $"    of which Position.published_at -> held (hub fan-out, gRPC, client; wall clocks{(o.ServiceUrl is null ? "" : " of two machines if the service is remote: meaningful only as far as they are synchronised")}): p50 {hub.PercentileMs(0.5):0.00}, p90 {hub.PercentileMs(0.9):0.00}, p99 {hub.PercentileMs(0.99):0.00}, max {hub.MaxMs:0.0}"));
                }

                result.WorstP99Ms = Math.Max(result.WorstP99Ms, h.PercentileMs(0.99));
                if (early)
                {
                    result.EarlyP99Ms = h.PercentileMs(0.99);
                }
                else
                {
                    result.CompleteP99Ms = h.PercentileMs(0.99);
                }
            }
        }

        if (o.SamplesFile is not null)
        {
            // Stopwatch ticks to the wall clock tcpdump stamps packets with, through one reading of both.
            long wallUs = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;
            long nowTicks = Stopwatch.GetTimestamp();
            long Wall(long ticks) => wallUs - (long)((nowTicks - ticks) * 1e6 / Stopwatch.Frequency);
            string[] lines = [.. subscribers.SelectMany(s => s.Samples ?? []).Select(x => string.Create(inv, $"{Wall(x.Stamp)} {Wall(x.Held)} {x.PublishedUs}"))];
            File.WriteAllLines(o.SamplesFile, lines);
            Console.WriteLine($"samples: {lines.Length} (stamp, held, published_at) lines in {o.SamplesFile}");
        }

        double serviceCores = service is null ? double.NaN : (cpu1 - cpu0).TotalSeconds / seconds;
        result.ServiceCores = serviceCores;
        result.RssMb = service is null ? double.NaN : peakRss / 1e6;
        result.DeliveredPerSecond = delivered / seconds;
        result.OfferedPerSecond = expectedTotal / seconds;
        Console.WriteLine(string.Create(inv, $"delivered {delivered / seconds:0} positions/s of {expectedTotal / seconds:0} /s"));
        if (service is null)
        {
            Console.WriteLine($"service process: CPU and RSS not measured (remote): read them on the service machine over the window above, e.g. 'pidstat -u -r -p PID 1' (sysstat; %CPU is of one core, RSS in kB), or 'ps -o cputime=,rss= -p PID' at the window's start and end (cores = CPU time difference / {seconds:0} s)");
        }
        else
        {
            Console.WriteLine(string.Create(inv, $"service process: CPU {serviceCores:0.00} cores ({Environment.ProcessorCount} on the machine), RSS {rssEnd / 1e6:0} MB at the end, {peakRss / 1e6:0} MB peak (1 s samples)"));
        }

        Console.WriteLine(string.Create(inv, $"harness process: CPU {(selfCpu1 - selfCpu0).TotalSeconds / seconds:0.00} cores, of which the feeder thread {(feederCpu1 - feederCpu0).TotalSeconds / seconds:0.00} (the rest: {o.Subscribers} subscribers, gRPC client, GC)"));
        if (feeder is not null && feeder.Lateness.PercentileMs(0.99) > FeederLateMs)
        {
            Console.WriteLine(string.Create(inv, $"INVALID: the feeder ran behind its UART schedule (p99 {feeder.Lateness.PercentileMs(0.99):0.0} ms late, > {FeederLateMs} ms): the machine could not run the feed as paced, so the service saw bursts, not a paced load"));
        }

        foreach (IWatcher s in subscribers.Where(s => s.Error is not null).Take(3))
        {
            Console.WriteLine($"subscriber error: {s.Error}");
        }

        bool clean = result.Dropped == 0 && result.Missing == 0 && subscribers.All(s => s.Error is null) && feeder?.Error is null && (feeder?.Stalls ?? 0) == 0 && service?.HasExited != true;
        string notMeasured = "not measured (remote)";
        Console.WriteLine(string.Create(inv, $"target (1,000 x 10 Hz, 10 subscribers): no drops {(clean ? "yes" : "NO")}, p99 <= 5 ms {(feeder is null ? "n/a" : result.WorstP99Ms <= 5 ? "yes" : "NO")}, CPU <= 1.5 cores {(service is null ? notMeasured : serviceCores <= 1.5 ? "yes" : "NO")}, RSS <= 300 MB {(service is null ? notMeasured : result.RssMb <= 300 ? "yes" : "NO")}"));
        return result;
    }

    private static async Task<bool> WaitForReceiversAsync(Uri address, int receivers, TimeSpan timeout, Metadata? headers)
    {
        using GrpcChannel channel = GrpcChannel.ForAddress(address);
        var client = new Receivers.ReceiversClient(channel);
        var wait = Stopwatch.StartNew();
        while (wait.Elapsed < timeout)
        {
            try
            {
                ListReceiversResponse r = await client.ListReceiversAsync(new ListReceiversRequest(), headers).ResponseAsync.ConfigureAwait(false);
                if (r.Receivers.Count(s => s.State == ConnectionState.Connected) >= receivers)
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

    private static async Task DelayUntil(long timestamp)
    {
        long wait = timestamp - Stopwatch.GetTimestamp();
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency)).ConfigureAwait(false);
        }
    }

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

    private static TimeSpan ProcessCpu(Process? p)
    {
        p?.Refresh();
        return p?.TotalProcessorTime ?? TimeSpan.Zero;
    }

    private static long Rss(Process? p)
    {
        p?.Refresh();
        return p?.WorkingSet64 ?? 0;
    }

    private static string MachineLine() =>
        $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average {LoadAverage()}";

    /// <summary>The service's configuration, as environment variables (the names the .NET configuration binds to BeidouHub:...).</summary>
    private static IEnumerable<(string Name, string Value)> ServiceEnvironment(string listen, int receivers, Func<int, string> source)
    {
        yield return ("BeidouHub__Listen", listen);
        // The web console on a port of its own (not 8080, which a running service may hold); idle,
        // it subscribes to nothing.
        yield return ("BeidouHub__Web__Listen", "http://127.0.0.1:0");
        // The history writer off: these runs measure reading, decoding and fan-out as before it
        // came (and write no data/history.db where the harness runs); its cost is measured apart.
        yield return ("BeidouHub__History__Enabled", "false");
        for (int i = 0; i < receivers; i++)
        {
            yield return ($"BeidouHub__Receivers__{i}__Id", $"rx-{i}");
            yield return ($"BeidouHub__Receivers__{i}__Source", source(i));
        }
    }

    /// <summary>
    /// --auth on: one application per subscriber with its own key (the hash in the environment,
    /// as `beidouhub key new` prints it). Even applications see rx-* (a pattern: the filter runs a
    /// glob per update), odd ones every receiver id listed (an exact set: a set lookup per
    /// update), both covering every receiver so the same positions are delivered as without.
    /// </summary>
    private static IEnumerable<(string Name, string Value)> ApplicationsEnvironment((string Key, string Hash)[] keys, int receivers)
    {
        for (int a = 0; a < keys.Length; a++)
        {
            string at = $"BeidouHub__Applications__{a}";
            yield return ($"{at}__Id", $"app-{a}");
            yield return ($"{at}__Keys__0", keys[a].Hash);
            yield return ($"{at}__Rpcs__0", "positions");
            yield return ($"{at}__Rpcs__1", "receivers");
            yield return ($"{at}__Coordinates__0", "*");
            if (a % 2 == 0)
            {
                yield return ($"{at}__Receivers__0", "rx-*");
            }
            else
            {
                for (int i = 0; i < receivers; i++)
                {
                    yield return ($"{at}__Receivers__{i}", $"rx-{i}");
                }
            }
        }
    }

    private static string? FeedOptionsError(LoadOptions o, int[]? ceiling)
    {
        if (o.ServiceUrl is not null && o.Transport != "tcp")
        {
            return "--service-url needs --transport tcp (a pty or a replayed file is local to the service's machine)";
        }

        if (o.ServiceUrl is null && o.ServicePid is not null)
        {
            return "--service-pid goes with --service-url";
        }

        if (o.FeedPort < 0 || (o.FeedPort > 0 && o.FeedPort + (ceiling?.Max() ?? o.Receivers) - 1 > 65535))
        {
            return "--feed-port: the receivers' ports P .. P + receivers - 1 must lie in 1-65535";
        }

        if (o.FeedBind.Equals(IPAddress.Any) || o.FeedBind.Equals(IPAddress.IPv6Any))
        {
            return "--feed-bind: give the address the service machine reaches this one at (the sources name it), not 0.0.0.0 or ::";
        }

        if (o.ServicePid is int pid)
        {
            try
            {
                using Process p = Process.GetProcessById(pid);
            }
            catch (ArgumentException)
            {
                return $"--service-pid {pid}: no such process";
            }
        }

        return null;
    }

    /// <summary>
    /// Writes the environment the remote <c>serve</c> must run with: a file a shell can source,
    /// that <c>docker --env-file</c> and systemd's <c>EnvironmentFile=</c> read as well (no quotes:
    /// none of the values needs them).
    /// </summary>
    private static void WriteReceiversEnv(LoadOptions o, int receivers)
    {
        // The service listens on the address the harness reaches it at when that is an IP
        // address of its machine; a host name gives no such address, so all of them.
        Uri url = o.ServiceUrl!;
        IPAddress listenAddress = IPAddress.TryParse(url.DnsSafeHost, out IPAddress? ip) ? ip : IPAddress.Any;
        string listen = $"http://{new IPEndPoint(listenAddress, url.Port)}";
        string file = o.ReceiversEnv;
        string command = $"(set -a; . {file}; set +a; exec dotnet src/Service/bin/Release/net10.0/beidouhub.dll serve)";
        var lines = new List<string>
        {
            $"# bench load --service-url {url}: the configuration of that service, {receivers} receivers rx-0..rx-{receivers - 1}",
            $"# fed by the harness from {TcpFeedTransport.Source(new IPEndPoint(o.FeedBind, o.FeedPort))} up. Copy this file to the service machine",
            "# (same path, or change it below) and there, in the repository:",
            "#   dotnet build src/Service -c Release",
            $"#   {command}",
            "# The service connects to the receivers when the harness listens (retrying every 5 s at most), and again for",
            "# the next run: start it once, run the harness as often as needed.",
        };
        lines.AddRange(ServiceEnvironment(listen, receivers, i => TcpFeedTransport.Source(new IPEndPoint(o.FeedBind, o.FeedPort + i))).Select(e => $"{e.Name}={e.Value}"));

        // The harness measures plain HTTP/2, which the service refuses beyond loopback without this.
        lines.Add("# plain HTTP/2 on the lab network, as measured (the service refuses it beyond loopback otherwise)");
        lines.Add("BeidouHub__Tls__AllowInsecure=true");
        File.WriteAllLines(file, lines);
        Console.WriteLine($"service configuration for {receivers} receivers written to {file}; copy it to the service machine and there, in the repository, run");
        Console.WriteLine($"  {command}");
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private sealed class LoadOptions
    {
        public string Transport { get; set; } = "tcp";

        public int Receivers { get; set; } = 1000;

        public int Rate { get; set; } = 10;

        public int Subscribers { get; set; } = 10;

        public string Delivery { get; set; } = "both";

        public bool Staggered { get; set; }

        public bool Parts { get; set; }

        public int Baud { get; set; } = 115200;

        /// <summary>The service's serial source for --transport pty: default (no io parameter), ports (System.IO.Ports) or epoll.</summary>
        public string SerialIo { get; set; } = "default";

        /// <summary>--service-dll: the build of the service to start; null for this repository's Release build.</summary>
        public string? ServiceDll { get; set; }

        public TimeSpan Tick { get; set; } = TimeSpan.FromMilliseconds(1);

        public int Seconds { get; set; } = 30;

        public int Warmup { get; set; } = 10;

        public bool Satellites { get; set; }

        /// <summary>--auth on: each subscriber is an application with its own key and scope.</summary>
        public bool Auth { get; set; }

        /// <summary>The subscribers' keys for the run (--auth on), one per subscriber.</summary>
        public (string Key, string Hash)[] Keys { get; set; } = [];

        public string? ServiceLog { get; set; }

        /// <summary>--client h2: subscribers that speak HTTP/2 over a plain socket (<see cref="H2Subscriber"/>).</summary>
        public bool H2Client { get; set; }

        /// <summary>--server gpsd: the same feed into gpsd, measured with gpsd JSON watchers.</summary>
        public bool Gpsd { get; set; }

        public string GpsdPath { get; set; } = "gpsd";

        /// <summary>--samples: where to write each measured message's (feeder stamp, held, published_at).</summary>
        public string? SamplesFile { get; set; }

        /// <summary>A service already running (elsewhere, or started by hand), instead of a child process.</summary>
        public Uri? ServiceUrl { get; set; }

        public int? ServicePid { get; set; }

        public IPAddress FeedBind { get; set; } = IPAddress.Loopback;

        /// <summary>0: ports the system picks.</summary>
        public int FeedPort { get; set; }

        public string ReceiversEnv { get; set; } = Path.Combine(Path.GetTempPath(), "beidouhub-load-receivers.env");

        public string SeedPath { get; set; } = Path.Combine(Corpus.RepositoryRoot, "seeds", "park-vehicle-rtk-10hz.nmea");
    }

    private sealed class LoadResult
    {
        public int Receivers { get; init; }

        public long Dropped { get; set; }

        public long Missing { get; set; }

        public double EarlyP99Ms { get; set; } = double.NaN;

        public double CompleteP99Ms { get; set; } = double.NaN;

        public double WorstP99Ms { get; set; }

        public double ServiceCores { get; set; }

        public double RssMb { get; set; }

        public double DeliveredPerSecond { get; set; }

        public double OfferedPerSecond { get; set; }

        public string SummaryLine => string.Create(CultureInfo.InvariantCulture,
            $"{Receivers,6} receivers: delivered {DeliveredPerSecond:0}/{OfferedPerSecond:0} /s, dropped {Dropped}, missing {Missing}, p99 EARLY {EarlyP99Ms:0.0} ms, COMPLETE {CompleteP99Ms:0.0} ms, {(double.IsNaN(ServiceCores) ? "service CPU and RSS not measured (remote)" : $"service {ServiceCores:0.00} cores, RSS peak {RssMb:0} MB")}");
    }
}
