using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using BeidouHub.Bench;

// dotnet run -c Release --project bench -- --filter '*'            full run (BenchmarkDotNet's default job)
// dotnet run -c Release --project bench -- --filter '*' --quick    CI-style: in-process, 1 warm-up, 3 short iterations
// Any other BenchmarkDotNet option (--job short, --list flat, --exporters ...) passes through.
// dotnet run -c Release --project bench -- load [--receivers 1000 --rate 10 --subscribers 10 ...]   end-to-end load
if (args.Length > 0 && args[0] == "load")
{
    return await BeidouHub.Bench.Load.LoadHarness.RunAsync(args[1..]);
}

// dotnet run -c Release --project bench -- serial-cpu --io ports|epoll --ports 100 --rate 10|0   CPU of the serial receive path
if (args.Length > 0 && args[0] == "serial-cpu")
{
    return await BeidouHub.Bench.Serial.SerialCpu.RunAsync(args[1..]);
}

// dotnet run -c Release --project bench -- web-console [--receivers 1000 --rate 2 --seconds 30]   the page in Chromium keeping up
if (args.Length > 0 && args[0] == "web-console")
{
    return await BeidouHub.Bench.Web.WebConsoleLoad.RunAsync(args[1..]);
}

// dotnet run -c Release --project bench -- history-write [--receivers 1000 --rate 10 --seconds 30]   the history store keeping pace
// dotnet run -c Release --project bench -- history-query [--rows 10000000 --receivers 100 --db FILE]  one-hour track queries in a full file (kept with --db)
if (args.Length > 0 && args[0] == "history-write")
{
    return await BeidouHub.Bench.History.HistoryStoreLoad.WriteAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "history-query")
{
    return await BeidouHub.Bench.History.HistoryStoreLoad.QueryAsync(args[1..]);
}

// dotnet run -c Release --project bench -- history-profile --db FILE   where a track query's time goes (a file kept by history-query --db)
if (args.Length > 0 && args[0] == "history-profile")
{
    return await BeidouHub.Bench.History.HistoryReadProfile.RunAsync(args[1..]);
}

bool quick = args.Contains("--quick");
string[] rest = [.. args.Where(a => a != "--quick")];

IConfig config = DefaultConfig.Instance
    .AddColumn(ThroughputColumn.MegabytesPerSecond, ThroughputColumn.NanosecondsPerSentence);
if (quick)
{
    // In-process saves the per-run build of a host project; the numbers are noisier, for trends only.
    config = config.AddJob(Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithLaunchCount(1)
        .WithWarmupCount(1)
        .WithIterationCount(3)
        .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(150))
        .WithId("Quick"));
}

BenchmarkSwitcher.FromAssembly(typeof(Corpus).Assembly).Run(rest, config);
return 0;
