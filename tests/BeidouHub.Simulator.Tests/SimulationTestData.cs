using System.Buffers;
using System.Globalization;
using BeidouHub.Receiver.Decoding;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Satellites;

namespace BeidouHub.Simulator.Tests;

/// <summary>The seed files, their decoding, and the park's bounding box.</summary>
internal static class SimulationTestData
{
    // The default park loop spans 27.8580-27.8618 N, 113.1680-113.1728 E; 0.0005 deg (~50 m) of margin
    // holds autonomous noise of a few metres and nothing more.
    public const double MinLat = 27.8575, MaxLat = 27.8623, MinLon = 113.1675, MaxLon = 113.1733;

    public static readonly string[] SeedNames =
    [
        "park-vehicle-rtk-10hz.nmea", "park-handheld-bd-walk.nmea", "park-gate-outage.nmea", "park-faults.nmea",
    ];

    public static TheoryData<string> Seeds => new(SeedNames);

    public static string SeedPath(string name)
    {
        string root = Corpus.RepositoryRoot ?? throw new InvalidOperationException("BeidouHub.sln not found above the test binaries");
        return Path.Combine(root, "seeds", name);
    }

    public static (List<Epoch> Epochs, NmeaDecoder Decoder) Decode(byte[] bytes, string receiver = "seed")
    {
        var sink = new RecordingSink();
        var decoder = new NmeaDecoder(receiver, sink);
        var seq = new ReadOnlySequence<byte>(bytes);
        decoder.Decode(ref seq, isFinalBlock: true);
        return (sink.Epochs, decoder);
    }

    public static bool InPark(Epoch e) =>
        e.Latitude is >= MinLat and <= MaxLat && e.Longitude is >= MinLon and <= MaxLon;

    /// <summary>The "# Outage: a-b s after start" lines of a seed's header, as (start, end) seconds.</summary>
    public static List<(double Start, double End)> HeaderOutages(string path)
    {
        var list = new List<(double, double)>();
        foreach (string line in File.ReadLines(path).TakeWhile(l => l.StartsWith('#')))
        {
            const string Prefix = "# Outage: ";
            if (line.StartsWith(Prefix, StringComparison.Ordinal))
            {
                string range = line[Prefix.Length..line.IndexOf(' ', Prefix.Length)];
                string[] parts = range.Split('-');
                list.Add((double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture)));
            }
        }

        return list;
    }

    public static SkySatellite? Find(Epoch e, Constellation c, int svid)
    {
        foreach (SkySatellite s in e.Satellites)
        {
            if (s.Id.Constellation == c && s.Id.Svid == svid)
            {
                return s;
            }
        }

        return null;
    }

    /// <summary>Angle between two sky directions, degrees.</summary>
    public static double SkyAngle(double el1, double az1, double el2, double az2)
    {
        double r = Math.PI / 180;
        double c = (Math.Sin(el1 * r) * Math.Sin(el2 * r)) + (Math.Cos(el1 * r) * Math.Cos(el2 * r) * Math.Cos((az1 - az2) * r));
        return Math.Acos(Math.Clamp(c, -1, 1)) / r;
    }
}
