using BeidouHub.Geo;
using BeidouHub.Receiver.Decoding;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Nmea;
using BeidouHub.Service.Configuration;
using BeidouHub.Service.Output;

namespace BeidouHub.Service.Verbs;

/// <summary>
/// <c>beidouhub decode [FILE|-] [--format jsonl] [--receiver ID] [--require-checksum] [--max-length N]</c>:
/// an NMEA log in, one record per epoch out. Bad lines are counted on stderr; the exit code is
/// non-zero only when the input cannot be read or the arguments are wrong.
/// </summary>
internal static class DecodeVerb
{
    public const string Usage = """
        usage: beidouhub decode [FILE|-] [--format jsonl|csv|geojson|gpx] [--grid EPSG:CODE|WKT|WKTFILE] [--receiver ID] [--require-checksum] [--max-length N]
          FILE               NMEA log (a capture, a recording, or - / nothing for standard input)
          --format F         jsonl: one JSON object per epoch (default); csv: one row per epoch;
                             geojson: a FeatureCollection of points plus a LineString per receiver;
                             gpx: a GPX 1.1 track
          --grid EPSG:CODE   add CGCS2000 Gauss-Kruger grid coordinates (EPSG:4491-4554;
                             Zhuzhou: EPSG:4547 = 3-degree CM 114E, EPSG:4526 = zone 38)
          --grid WKT|FILE    or a city's own grid: a projected CRS as WKT (PROJCS[...]), inline
                             or in a file, on CGCS2000/WGS 84 (through ProjNET)
          --receiver ID      receiver id written in each record (default: the file name)
          --require-checksum reject sentences without *hh (default: accept and count them,
                             as gpsd 3.22 does; gpsd 3.27 rejects them)
          --max-length N     longest accepted sentence in bytes (default 256)
        """;

    /// <summary>Bytes read from the input at a time (one read of a file; a pipe gives what it has).</summary>
    internal const int ReadBlockSize = 1 << 20;

    public static async Task<int> RunAsync(string[] args, TextWriter stderr, Stream stdout, Stream stdin, CancellationToken cancellationToken)
    {
        string? path = null;
        string format = "jsonl";
        string? receiver = null;
        IGrid? grid = null;
        var options = new NmeaDecoderOptions();
        var cli = new ArgumentReader("decode", args);
        while (cli.Read())
        {
            switch (cli.Option)
            {
                case "--format":
                    if (cli.TryValue(out format) && !EpochWriter.Formats.Contains(format))
                    {
                        cli.Invalid("one of " + string.Join(", ", EpochWriter.Formats));
                    }

                    break;
                case "--grid":
                    if (cli.TryValue(out string code) && !GridSetup.TryParseArgument(code, out grid, out string? gridError))
                    {
                        cli.Fail(gridError);
                    }

                    break;
                case "--receiver":
                    if (cli.TryValue(out string id))
                    {
                        receiver = id;
                    }

                    break;
                case "--require-checksum":
                    options = options with { RequireChecksum = true };
                    break;
                case "--max-length":
                    if (cli.TryInteger(16, 60000, out long max))
                    {
                        options = options with { MaxSentenceLength = (int)max };
                    }

                    break;
                case null when path is null:
                    path = cli.Operand;
                    break;
                default:
                    cli.Unexpected();
                    break;
            }
        }

        if (cli.Finish(stdout, stderr, Usage) is { } exit)
        {
            return exit;
        }

        Stream input;
        if (path is null or "-")
        {
            input = stdin;
            receiver ??= "stdin";
        }
        else
        {
            try
            {
                input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.SequentialScan);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                await stderr.WriteLineAsync($"decode: cannot read '{path}': {e.Message}").ConfigureAwait(false);
                return 1;
            }

            receiver ??= ReceiverIdFromPath(path);
        }

        await using (input.ConfigureAwait(false))
        {
            var output = new BufferedStream(stdout, 1 << 16);
            await using (output.ConfigureAwait(false))
            {
                // With a second core, the output is formatted and written there while this one decodes.
                bool secondCore = Environment.ProcessorCount > 1;
                using EpochWriter writer = EpochWriter.Create(format, output, grid, pipelined: secondCore);
                var decoder = new NmeaDecoder(receiver, writer, options);
                try
                {
                    if (input.CanSeek && secondCore)
                    {
                        // A file, with a second core: framing and parsing on a thread of their own,
                        // epochs assembled here, the output formatted on a third (bench/README,
                        // "Deployment"). A pipe keeps one thread, so that its epochs show as their
                        // sentences come.
                        decoder.RunInTwoStages(input, ReadBlockSize, cancellationToken);
                    }
                    else
                    {
                        var reader = new BlockPipeReader(input, ReadBlockSize, writer.Flush);
                        await decoder.RunAsync(reader, cancellationToken).ConfigureAwait(false);
                        await reader.CompleteAsync().ConfigureAwait(false);
                    }
                }
                catch (IOException e)
                {
                    // What came is written out first, then the reason.
                    writer.Dispose();
                    await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    await stderr.WriteLineAsync($"decode: read failed after {decoder.Statistics.Bytes} bytes: {e.Message}").ConfigureAwait(false);
                    return 1;
                }

                writer.Complete();
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                await stderr.WriteLineAsync(Summary(decoder, writer.Records)).ConfigureAwait(false);
            }
        }

        return 0;
    }

    internal static string ReceiverIdFromPath(string path)
    {
        string name = Path.GetFileName(path);
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? name[..dot] : name;
    }

    private static string Summary(NmeaDecoder d, long records)
    {
        NmeaStatistics s = d.Statistics;
        FramingCounters f = d.Framer.Counters;
        return $"decode: {records} epochs from {s.Sentences} sentences ({s.Bytes} bytes); "
            + $"rejected {s.RejectedTotal}: checksum {s.ChecksumFailures}, format {s.Rejected(NmeaError.BadChecksumFormat)}, "
            + $"no checksum {s.Rejected(NmeaError.MissingChecksum)}, bad fields {s.Rejected(NmeaError.BadField)}, "
            + $"address {s.Rejected(NmeaError.BadAddress)}, characters {s.Rejected(NmeaError.InvalidCharacter)}; "
            + $"unknown types {s.OfType(SentenceType.Unknown)}, without checksum {s.WithoutChecksum}; "
            + $"framing: garbage {f.GarbageBytes} bytes, truncated {f.Truncated}, doubled $ {f.DoubledStarts}, "
            + $"binary cut {f.InvalidBytes}, overlong {f.Overlong}, unterminated {f.Unterminated}, comments {f.CommentLines}; "
            + $"late sentences {d.Assembler.LateSentences}";
    }
}
