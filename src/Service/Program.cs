// beidouhub: the BeiDou positioning service of the Zhuzhou BeiDou industrial park.
//
// Data flow (one folder each):
//   receivers: serial / tcp / replay / sim sources, one resilient worker each   (src/Receiver/Sources, Workers)
//   -> NmeaFramer -> NmeaSentence -> typed readers -> EpochAssembler             (src/Receiver/Nmea, Epochs)
//   -> Geo: CGCS2000 -> Gauss-Kruger grid -> park grid, GCJ-02/BD-09; zones      (src/Geo)
//   -> Hub: latest position per receiver, bounded fan-out per subscriber         (Hub/)
//   -> gRPC beidouhub.v1 + reflection + grpc.health.v1, TLS                      (Api/, Protos/, Security/, ServiceApp.cs)
//   -> web console: a page in the browser on the same API over gRPC-Web         (Web/)
// Verbs: one file each in Verbs/, all reading their arguments with Verbs/ArgumentReader.
using BeidouHub.Service.Verbs;

const string Usage = """
    usage: beidouhub [verb] [options]
      serve             run the service (the default; with no configuration it replays the park recordings in seeds/)
      watch             follow a running service: one line per position (--sky, --events, --receivers)
      decode [FILE|-]   NMEA log in, one record per epoch out (jsonl, csv, geojson, gpx)
      record            tee a receiver's raw bytes into rotating files (--source URI --out DIR)
      history           a receiver's stored track out of the history file (--receiver ID --from T [--to T] [--format F])
      simulate          NMEA log of a simulated receiver of the park out (--profile, --duration, --seed, --out)
      ntrip list URL    an NTRIP caster's mountpoints (its source table), for BeidouHub:Corrections
      key new APP       a new API key for a park application, and its configuration line (only the key's hash)
      key cert FILE APP the configuration line that makes a client certificate (mTLS) a park application
      tls-dev           a CA and certificates to try TLS and mTLS with (--out DIR)
    run 'beidouhub <verb> --help' for a verb's options
    """;

if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal) && args[0] is not "--help")
{
    return await ServeVerb.RunAsync(args, Console.Out, Console.Error);
}

if (args[0] == "serve")
{
    return await ServeVerb.RunAsync(args[1..], Console.Out, Console.Error);
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

return args[0] switch
{
    "decode" => await DecodeVerb.RunAsync(args[1..], Console.Error, Console.OpenStandardOutput(), Console.OpenStandardInput(), cancel.Token),
    "simulate" => await SimulateVerb.RunAsync(args[1..], Console.Error, Console.OpenStandardOutput(), cancel.Token),
    "watch" => await WatchVerb.RunAsync(args[1..], Console.Out, Console.Error, cancel.Token),
    "record" => await RecordVerb.RunAsync(args[1..], Console.Out, Console.Error, cancel.Token),
    "history" => await HistoryVerb.RunAsync(args[1..], Console.Error, Console.OpenStandardOutput(), cancel.Token),
    "key" => KeyVerb.Run(args[1..], Console.Out, Console.Error),
    "ntrip" => await NtripVerb.RunAsync(args[1..], Console.Out, Console.Error, cancel.Token),
    "tls-dev" => TlsDevVerb.Run(args[1..], Console.Out, Console.Error),
    "-h" or "--help" or "help" => Help(),
    _ => Unknown(args[0]),
};

static int Help()
{
    Console.Out.WriteLine(Usage);
    return 0;
}

static int Unknown(string verb)
{
    Console.Error.WriteLine($"beidouhub: unknown verb '{verb}' (see beidouhub --help)");
    return 2;
}
