using System.Diagnostics;
using System.Globalization;
using System.Text;
using BeidouHub.Receiver.Sources;
using BeidouHub.Receiver.Workers;
using Microsoft.Extensions.Logging.Abstractions;

namespace BeidouHub.Bench.Serial;

/// <summary>
/// CPU of one process holding N serial receivers on pseudo-terminals, idle or each fed at 10 Hz,
/// read by System.IO.Ports (io=ports) or the shared epoll thread (io=epoll): the receive path
/// alone (ReceiverWorker -> decoder -> a counting sink), no service, no gRPC.
/// <code>
/// dotnet run -c Release --project bench -- serial-cpu --io epoll --ports 100 --rate 10 --seconds 20
/// </code>
/// The feeder writes each port's next epoch of seeds/park-vehicle-rtk-10hz.nmea (one write per
/// epoch, the ports' phases spread over the 100 ms) from one thread of the same process; its own
/// CPU (from /proc/self/task/TID/stat) is reported and subtracted.
/// </summary>
internal static class SerialCpu
{
    public static async Task<int> RunAsync(string[] args)
    {
        string io = Arg(args, "--io", "epoll");
        int ports = int.Parse(Arg(args, "--ports", "100"), CultureInfo.InvariantCulture);
        double rate = double.Parse(Arg(args, "--rate", "10"), CultureInfo.InvariantCulture);
        double seconds = double.Parse(Arg(args, "--seconds", "20"), CultureInfo.InvariantCulture);
        double warmup = double.Parse(Arg(args, "--warmup", "5"), CultureInfo.InvariantCulture);
        string seed = Arg(args, "--seed", Path.Combine("seeds", "park-vehicle-rtk-10hz.nmea"));
        if (!OperatingSystem.IsLinux())
        {
            Console.Error.WriteLine("serial-cpu needs Linux (pseudo-terminals)");
            return 2;
        }

        byte[][] epochs = Epochs(seed);
        var masters = new int[ports];
        var sinks = new NullEpochSink[ports];
        var workers = new List<ReceiverWorker>();
        using var stop = new CancellationTokenSource();
        var runs = new List<Task>();
        Console.WriteLine($"serial-cpu: io={io}, {ports} ports, {(rate > 0 ? $"{rate} Hz each" : "idle")}, {epochs.Length} epochs of {Path.GetFileName(seed)} (mean {epochs.Average(e => e.Length):0} B), warm-up {warmup} s, window {seconds} s");
        Console.WriteLine($"loadavg before: {File.ReadAllText("/proc/loadavg").Trim()}");
        try
        {
            for (int i = 0; i < ports; i++)
            {
                masters[i] = PseudoTerminal.OpenMaster(out string slave);
                sinks[i] = new NullEpochSink();
                var options = new ReceiverOptions { Id = $"rx-{i}", Source = $"serial://{slave}?baud=115200&io={io}" };
                var worker = new ReceiverWorker(options, ByteSources.Create(SourceOptions.Parse(options.Source)), sinks[i], NullLogger.Instance);
                workers.Add(worker);
                runs.Add(worker.RunAsync(stop.Token));
            }

            var connect = Stopwatch.StartNew();
            while (workers.Any(w => w.State != ReceiverState.Connected))
            {
                if (connect.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new TimeoutException("ports not connected after 30 s");
                }

                await Task.Delay(50);
            }

            var feeder = new Feeder(masters, epochs, rate);
            var feederThread = new Thread(feeder.Run) { IsBackground = true, Name = "serial-cpu feeder" };
            feederThread.Start();
            await Task.Delay(TimeSpan.FromSeconds(warmup));

            using var process = Process.GetCurrentProcess();
            process.Refresh();
            TimeSpan cpu0 = process.TotalProcessorTime;
            TimeSpan feed0 = feeder.Cpu;
            long written0 = feeder.Written;
            long epochs0 = sinks.Sum(s => s.Epochs);
            long gc0 = GC.CollectionCount(0);
            long allocated0 = GC.GetTotalAllocatedBytes(precise: true);
            var window = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            process.Refresh();
            TimeSpan cpu = process.TotalProcessorTime - cpu0;
            double elapsed = window.Elapsed.TotalSeconds;
            double feederCpu = (feeder.Cpu - feed0).TotalSeconds;
            long written = feeder.Written - written0;
            long decoded = sinks.Sum(s => s.Epochs) - epochs0;
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated0;
            feeder.Stop();
            feederThread.Join();

            double total = cpu.TotalSeconds / elapsed;
            double receive = (cpu.TotalSeconds - feederCpu) / elapsed;
            Console.WriteLine($"window {elapsed:0.0} s: epochs written {written / elapsed:0}/s, decoded {decoded / elapsed:0}/s; allocated {allocated / elapsed / 1024:0.0} KB/s ({(decoded > 0 ? allocated / decoded : 0)} B per decoded epoch, feeder and timers included), gen0 GCs {GC.CollectionCount(0) - gc0}; threads {process.Threads.Count}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CPU: process {total * 100:0.0} % of a core, feeder thread {feederCpu / elapsed * 100:0.0} %, receive path {receive * 100:0.0} % ({receive * 100 / ports * 100:0.0} % per 100 ports)"));
            Console.WriteLine($"loadavg after: {File.ReadAllText("/proc/loadavg").Trim()}");
        }
        finally
        {
            await stop.CancelAsync();
            foreach (int fd in masters.Where(fd => fd > 0))
            {
                PseudoTerminal.Close(fd);
            }

            await Task.WhenAll(runs);
            workers.ForEach(w => w.Dispose());
        }

        return 0;
    }

    private static string Arg(string[] args, string name, string fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }

    private static byte[][] Epochs(string seed)
    {
        // One epoch = the lines from one RMC to the next (the seed's cycle starts with RMC).
        var epochs = new List<byte[]>();
        var current = new StringBuilder();
        foreach (string line in File.ReadLines(seed).Where(l => l.StartsWith('$')))
        {
            if (line.Contains("RMC,", StringComparison.Ordinal) && current.Length > 0)
            {
                epochs.Add(Encoding.ASCII.GetBytes(current.ToString()));
                current.Clear();
            }

            current.Append(line).Append("\r\n");
        }

        epochs.Add(Encoding.ASCII.GetBytes(current.ToString()));
        return [.. epochs];
    }

    private sealed class Feeder(int[] masters, byte[][] epochs, double rate)
    {
        private volatile bool _stop;

        public long Written => Volatile.Read(ref _written);

        public TimeSpan Cpu => PseudoTerminal.ThreadCpuTime(_tid);

        private long _written;
        private volatile int _tid;

        public void Stop() => _stop = true;

        public void Run()
        {
            _tid = PseudoTerminal.CurrentThreadId();
            if (rate <= 0)
            {
                while (!_stop)
                {
                    Thread.Sleep(200);
                }

                return;
            }

            long period = (long)(Stopwatch.Frequency / rate);
            long start = Stopwatch.GetTimestamp();
            long[] next = new long[masters.Length];
            int[] epoch = new int[masters.Length];
            for (int i = 0; i < masters.Length; i++)
            {
                next[i] = start + (period * i / masters.Length);
            }

            while (!_stop)
            {
                long now = Stopwatch.GetTimestamp();
                long soonest = long.MaxValue;
                for (int i = 0; i < masters.Length; i++)
                {
                    if (next[i] <= now)
                    {
                        byte[] bytes = epochs[epoch[i]++ % epochs.Length];
                        _ = PseudoTerminal.Write(masters[i], bytes); // a full pty buffer drops the epoch (counted as not decoded)
                        next[i] += period;
                        Interlocked.Increment(ref _written);
                    }

                    soonest = Math.Min(soonest, next[i]);
                }

                // At least 1 ms: with many ports the due times are closer than that, and they are
                // written in one batch rather than spinning.
                long wait = soonest - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    Thread.Sleep(Math.Max(1, (int)(wait * 1000 / Stopwatch.Frequency)));
                }
            }
        }
    }
}
