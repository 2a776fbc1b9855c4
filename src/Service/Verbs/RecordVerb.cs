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
        usage: beidouhub record --source URI --out DIR [--duration 10m|30s|1h] [--id NAME]
          --source URI   serial:///dev/ttyUSB0?baud=115200, tcp://host:port, replay://file, sim://?...
          --out DIR      recordings go to DIR/NAME/yyyyMMdd-HH.nmea (UTC hour; _001... when over 64 MiB)
          --duration D   stop after D (default: until Ctrl+C)
          --id NAME      receiver name in the folder and headers (default: receiver)
        """;

    // Not inlined into Main, which is compiled with every verb in it: inlined, the verbs' state
    // machines loaded their types (Google.Protobuf among them) at every start, whatever the verb.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        string? source = null, dir = null, id = "receiver";
        TimeSpan? duration = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--source" when i + 1 < args.Length:
                    source = args[++i];
                    break;
                case "--out" when i + 1 < args.Length:
                    dir = args[++i];
                    break;
                case "--id" when i + 1 < args.Length:
                    id = args[++i];
                    break;
                case "--duration" when i + 1 < args.Length:
                    if (!TryDuration(args[++i], out TimeSpan d))
                    {
                        await stderr.WriteLineAsync($"record: --duration {args[i]}: expected e.g. 30s, 10m, 1h").ConfigureAwait(false);
                        return 2;
                    }

                    duration = d;
                    break;
                case "-h" or "--help":
                    await stdout.WriteLineAsync(Usage).ConfigureAwait(false);
                    return 0;
                default:
                    await stderr.WriteLineAsync($"record: unexpected argument '{args[i]}'\n{Usage}").ConfigureAwait(false);
                    return 2;
            }
        }

        if (source is null || dir is null)
        {
            await stderr.WriteLineAsync($"record: --source and --out are required\n{Usage}").ConfigureAwait(false);
            return 2;
        }

        if (!ServiceSetup.Sources.TryParse(source, out SourceOptions? options, out string? error) || !ByteSources.TryCreate(options!, out IByteSource? byteSource, out error))
        {
            await stderr.WriteLineAsync($"record: {error}").ConfigureAwait(false);
            return 2;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (duration is { } limit)
        {
            stop.CancelAfter(limit);
        }

        var receiver = new ReceiverOptions { Id = id, Source = source, Recording = new RecordingOptions { Directory = dir } };
        using var worker = new ReceiverWorker(receiver, byteSource!, new NullSink(), NullLogger.Instance);
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

    internal static bool TryDuration(string text, out TimeSpan duration)
    {
        duration = default;
        if (text.Length < 2 || !double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double n) || n <= 0)
        {
            return false;
        }

        duration = text[^1] switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            _ => default,
        };
        return duration > TimeSpan.Zero;
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
