using BeidouHub.Receiver.Nmea;
using BeidouHub.Receiver.Sources;

namespace BeidouHub.Bench.Load;

/// <summary>
/// A capture cut into epochs, as the load feeder replays it: each epoch's bytes exactly as in the
/// file (sentences, line ends), where each sentence ends, and where the epoch's position
/// sentences (GGA, RMC, GNS, GLL: the kinds the epoch assembler signals an early position on)
/// end. An epoch starts at a timed sentence whose time differs from the current epoch's; untimed
/// lines (GSV, GSA, VTG) belong to the epoch before them. Comment lines are left out.
/// </summary>
internal sealed class SeedEpochs
{
    private readonly Dictionary<int, int> _indexOfTime;

    private SeedEpochs(List<Epoch> epochs)
    {
        Epochs = [.. epochs];
        _indexOfTime = new Dictionary<int, int>(epochs.Count);
        for (int i = 0; i < epochs.Count; i++)
        {
            _indexOfTime.TryAdd(epochs[i].TimeOfDayMs, i);
        }
    }

    public Epoch[] Epochs { get; }

    public int Count => Epochs.Length;

    /// <summary>The index of the epoch with this UTC time of day (the key of a received position).</summary>
    public bool TryIndexOf(int timeOfDayMs, out int index) => _indexOfTime.TryGetValue(timeOfDayMs, out index);

    public static SeedEpochs Load(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        var epochs = new List<Epoch>();
        var bytes = new List<byte>(2048);
        var ends = new List<int>();
        int positionEnd = -1;
        int? time = null;

        void Close()
        {
            if (time is { } t && ends.Count > 0)
            {
                epochs.Add(new Epoch(t, [.. bytes], [.. ends], positionEnd > 0 ? positionEnd : ends[^1]));
            }

            bytes.Clear();
            ends.Clear();
            positionEnd = -1;
        }

        int start = 0;
        while (start < file.Length)
        {
            int nl = Array.IndexOf(file, (byte)'\n', start);
            int end = nl < 0 ? file.Length : nl + 1;
            ReadOnlySpan<byte> line = file.AsSpan(start, end - start);
            start = end;
            if (line.Length == 0 || line[0] != (byte)'$')
            {
                continue;
            }

            if (ReplayStream.TryTime(line, out int t) && t != time)
            {
                Close();
                time = t;
            }

            bytes.AddRange(line);
            ends.Add(bytes.Count);
            if (IsPosition(line))
            {
                positionEnd = bytes.Count;
            }
        }

        Close();
        if (epochs.Count == 0)
        {
            throw new InvalidDataException($"{path}: no timed NMEA sentences");
        }

        return new SeedEpochs(epochs);
    }

    private static bool IsPosition(ReadOnlySpan<byte> line)
    {
        int eol = line.IndexOfAny((byte)'\r', (byte)'\n');
        return NmeaSentence.TryParse(eol < 0 ? line : line[..eol], out NmeaSentence s, out _)
            && s.Type is SentenceType.Gga or SentenceType.Rmc or SentenceType.Gns or SentenceType.Gll;
    }

    /// <summary>One epoch: its bytes, the end offset of each sentence, and of the last position sentence.</summary>
    internal sealed record Epoch(int TimeOfDayMs, byte[] Bytes, int[] SentenceEnds, int PositionEnd)
    {
        /// <summary>Two writes: up to the end of the position sentences, then the rest (one when there is no rest or no position).</summary>
        public int[] PartEnds { get; } = PositionEnd > 0 && PositionEnd < Bytes.Length ? [PositionEnd, Bytes.Length] : [Bytes.Length];
    }
}
