using System.Globalization;
using System.Runtime.CompilerServices;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Sources;
using BeidouHub.Receiver.Workers;
using BeidouHub.Service.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace BeidouHub.Service.Verbs;

/// <summary>
/// <c>beidouhub record --source URI --out DIR [--duration 10m] [--id NAME]</c>: connects to one
/// receiver (reconnecting as the service would) and tees its raw bytes into rotating files under
/// <c>DIR/NAME/</c>, each replayable through <c>replay://</c> and <c>decode</c>.
/// </summary>
internal static class RecordVerb
{
    public const string Usage = """
        usage: beidouhub record --source URI --out DIR [--duration 10m] [--id NAME]
          --source URI   serial:///dev/ttyUSB0?baud=115200, tcp://host:port, replay://file, sim://?...
          --out DIR      recordings go to DIR/NAME/yyyyMMdd-HH.nmea (UTC hour; _001... when over 64 MiB)
          --duration D   stop after D: 90s, 10m, 1h30m, 500ms or 00:10:00 (default: until Ctrl+C)
          --id NAME      receiver name in the folder and headers (default: receiver)
        """;

    // Not inlined into Main, which is compiled with every verb in it: inlined, the verbs' state
    // machines loaded their types (Google.Protobuf among them) at every start, whatever the verb.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken, TimeProvider? time = null)
    {
        TimeProvider clock = time ?? TimeProvider.System;
        string? source = null, dir = null, id = "receiver";
        TimeSpan? duration = null;
        var cli = new ArgumentReader("record", args);
        while (cli.Read())
        {
            switch (cli.Option)
            {
                case "--source":
                    source = cli.TryValue(out string s) ? s : null;
                    break;
                case "--out":
                    dir = cli.TryValue(out string d) ? d : null;
                    break;
                case "--id":
                    if (cli.TryValue(out string name))
                    {
                        id = name;
                    }

                    break;
                case "--duration":
                    duration = cli.TryDuration(out TimeSpan stopAfter) ? stopAfter : null;
                    break;
                default:
                    cli.Unexpected();
                    break;
            }
        }

        if (source is null || dir is null)
        {
            cli.Fail("--source and --out are required (see beidouhub record --help)");
        }

        int? exit = cli.Finish(stdout, stderr, Usage);
        if (exit is not null || source is null || dir is null)
        {
            return exit ?? 2;
        }

        if (!ServiceSetup.Sources.TryParse(source, out SourceOptions? options, out string? error) || !ByteSources.TryCreate(options!, out IByteSource? byteSource, out error))
        {
            await stderr.WriteLineAsync($"record: --source {error}").ConfigureAwait(false);
            return 2;
        }

        // --duration on the verb's clock (the worker's backoff and the files' hours are on it too).
        using var limit = new CancellationTokenSource(duration ?? Timeout.InfiniteTimeSpan, clock);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);

        var receiver = new ReceiverOptions { Id = id, Source = source, Recording = new RecordingOptions { Directory = dir } };
        using var worker = new ReceiverWorker(receiver, byteSource!, new NullSink(), NullLogger.Instance, clock);
        worker.StateChanged += (w, state) => stderr.WriteLine($"record: {w.Id} {state.ToString().ToLowerInvariant()}");
        await worker.RunAsync(stop.Token).ConfigureAwait(false);

        ReceiverStatus status = worker.Snapshot();
        await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"record: {status.Bytes} bytes, {status.Sentences} sentences, {status.Epochs} epochs from {source} into {Path.Combine(dir, id)}")).ConfigureAwait(false);
        if (status.LastError is { } last && last.Contains("recording", StringComparison.Ordinal))
        {
            await stderr.WriteLineAsync($"record: {last}").ConfigureAwait(false);
            return 1;
        }

        return 0;
    }

    private sealed class NullSink : IEpochSink
    {
        public void OnPosition(Epoch epoch)
        {
        }

        public void OnEpoch(Epoch epoch)
        {
        }
    }
}
