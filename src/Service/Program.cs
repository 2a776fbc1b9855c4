// beidouhub: the BeiDou positioning service of the park.
// Data flow: sources (serial/tcp/replay/sim) -> NmeaFramer -> NmeaSentence -> EpochAssembler
//            -> Geo (CGCS2000, Gauss-Kruger, park grid, GCJ-02) -> hub -> gRPC.
// Each verb is one file in Verbs/.
using BeidouHub.Service.Verbs;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

const string Usage = """
    usage: beidouhub <verb> [options]
      decode [FILE|-]   NMEA log in, one JSON record per epoch out
      simulate          NMEA log of a simulated receiver of the park out (--profile, --duration, --seed, --out)
    run 'beidouhub <verb> --help' for a verb's options
    """;

if (args.Length == 0)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

return args[0] switch
{
    "decode" => await DecodeVerb.RunAsync(args[1..], Console.Error, Console.OpenStandardOutput(), Console.OpenStandardInput(), cancel.Token),
    "simulate" => await SimulateVerb.RunAsync(args[1..], Console.Error, Console.OpenStandardOutput(), cancel.Token),
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
    Console.Error.WriteLine($"beidouhub: unknown verb '{verb}'\n{Usage}");
    return 2;
}
