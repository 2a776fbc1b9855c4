using System.Buffers;
using System.Diagnostics;
using System.Text;
using BeidouHub.Receiver.Decoding;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Nmea;
using BeidouHub.Receiver.Nmea.Sentences;
using BeidouHub.Receiver.Satellites;
using BeidouHub.Receiver.Tests.Support;

namespace BeidouHub.Receiver.Tests.Robustness;

public class FuzzTests
{
    private const int Inputs = 1_000_000;

    private static readonly byte[][] FieldValues =
    [
        .. new[]
        {
            "99999999999999999999", "999999999999999999", "-999999999", "2147483648", "1.7976931348623157E308",
            "0", "-0", "9000.0000", "9000.0001", "18000.0", "18000.00001", "4459.9999999999", "4460", "9999.9999",
            "360.1", "360", "-90.5", "-90", "90", "91", "99", "100", "255", "65535", "", ".", "-", "+", "NaN", "Infinity",
            "1e9", "00000000000000000000000000001", "0.0000000000000000000000001", "235960.999", "240000", "999999",
            "291299", "290224", "A", "V", "Z", "F", "N", "S", "E", "W", "B", "G", "RRRRRRRR", "201", "263", "401", "463",
            "193", "336", "33", "64", "65", "96", "120", "158", "159", "999", "4", "5", "6", "7",
        }.Select(Encoding.ASCII.GetBytes),
    ];

    [Fact]
    public void Decode_MillionMutatedSentences_NoExceptionAndEveryValueInRange()
    {
        var stopwatch = Stopwatch.StartNew();
        var random = new Random(20250611);
        byte[][] bases = [.. ExampleLines.All.Concat([ExampleLines.ClassicVtg, ExampleLines.ClassicGll, ExampleLines.ClassicAivdm]).Select(Body)];
        var violations = new List<string>();
        var directSink = new CheckingSink(violations);
        var assembler = new EpochAssembler("fuzz", directSink);
        var decoderSink = new CheckingSink(violations);
        var decoder = new NmeaDecoder("fuzz", decoderSink);
        var counts = new ReaderCounts();
        var work = new List<byte>(512);
        var block = new ArrayBufferWriter<byte>(1 << 20);
        long parsed = 0;

        for (int i = 0; i < Inputs; i++)
        {
            byte[] line = Mutate(random, bases, work);
            if (NmeaSentence.TryParse(line, out NmeaSentence sentence, out _))
            {
                parsed++;
                CheckReaders(sentence, counts, violations);
                assembler.Add(sentence);
            }

            block.Write(line);
            block.Write(random.Next(20) switch
            {
                0 => "\n"u8,
                1 => "\r"u8,
                2 => ""u8,
                3 => [0xB5, 0x62, 0x0A, 0x23, 0x00, 0xFF],
                _ => "\r\n"u8,
            });
            if (block.WrittenCount > 128 * 1024)
            {
                var buffer = new ReadOnlySequence<byte>(block.WrittenMemory);
                decoder.Decode(ref buffer, isFinalBlock: false);
                byte[] rest = buffer.ToArray();
                block.Clear();
                block.Write(rest);
            }

            if (violations.Count > 20)
            {
                break;
            }
        }

        var last = new ReadOnlySequence<byte>(block.WrittenMemory);
        decoder.Decode(ref last, isFinalBlock: true);
        assembler.Flush();
        stopwatch.Stop();

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
        // The run must have exercised the whole pipeline, not rejected everything at the checksum.
        Assert.True(parsed > Inputs / 3, $"parsed {parsed}");
        Assert.True(counts.Accepted > 100_000, $"typed readers accepted {counts.Accepted}");
        Assert.True(counts.Rejected > 20_000, $"typed readers rejected {counts.Rejected}");
        Assert.True(directSink.Epochs > 10_000, $"direct epochs {directSink.Epochs}");
        Assert.True(decoderSink.Epochs > 10_000, $"decoder epochs {decoderSink.Epochs}");
        Assert.True(directSink.SatellitesChecked > 10_000, $"satellites {directSink.SatellitesChecked}");
        Assert.True(decoder.Statistics.Sentences > Inputs / 3, $"decoder sentences {decoder.Statistics.Sentences}");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(60), $"took {stopwatch.Elapsed}");
    }

    private static byte[] Body(string line) => Encoding.ASCII.GetBytes(line[1..line.IndexOf('*', StringComparison.Ordinal)]);

    private static byte[] Mutate(Random random, byte[][] bases, List<byte> work)
    {
        byte[] origin = bases[random.Next(bases.Length)];
        work.Clear();
        work.AddRange(origin);
        int operations = random.Next(10) == 0 ? random.Next(2, 5) : 1;
        for (int n = 0; n < operations; n++)
        {
            ApplyOne(random, work, bases);
        }

        var line = new List<byte>(work.Count + 4) { random.Next(50) == 0 ? (byte)'!' : (byte)'$' };
        line.AddRange(work);
        switch (random.Next(8))
        {
            case < 4:
                // Half the inputs get a correct checksum, so the mutation reaches the typed readers.
                byte xor = 0;
                foreach (byte b in work)
                {
                    xor ^= b;
                }

                line.Add((byte)'*');
                line.AddRange(Encoding.ASCII.GetBytes(xor.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
                break;
            case 4:
                break; // no checksum: accepted by default, so these reach the readers too
            case 5:
                line.AddRange("*00"u8);
                break;
            case 6:
                line.Add((byte)'*');
                line.Add((byte)random.Next(256));
                break;
            default:
                line.AddRange("*4G"u8);
                break;
        }

        return [.. line];
    }

    private static void ApplyOne(Random random, List<byte> work, byte[][] bases)
    {
        switch (random.Next(12))
        {
            case 0:
                break;
            case 1:
                for (int k = random.Next(1, 4); k > 0 && work.Count > 0; k--)
                {
                    int at = random.Next(work.Count);
                    work[at] ^= (byte)(1 << random.Next(8));
                }

                break;
            case 2:
                if (work.Count > 0)
                {
                    int keep = random.Next(work.Count + 1);
                    work.RemoveRange(keep, work.Count - keep);
                }

                break;
            case 3:
                if (FieldBounds(random, work, out int start, out int end) && end < work.Count)
                {
                    work.RemoveRange(start, end - start + 1);
                }

                break;
            case 4:
                if (FieldBounds(random, work, out start, out end))
                {
                    byte[] field = [.. work.GetRange(start, end - start), (byte)','];
                    work.InsertRange(start, field);
                }

                break;
            case 5:
            case 9:
                if (FieldBounds(random, work, out start, out end))
                {
                    work.RemoveRange(start, end - start);
                    work.InsertRange(start, RandomValue(random));
                }

                break;
            case 6:
                work.Insert(random.Next(work.Count + 1), (byte)random.Next(0x80, 0x100));
                break;
            case 7:
                work.Insert(random.Next(work.Count + 1), (byte)random.Next(0x00, 0x20));
                break;
            case 8:
                int length = random.Next(0, 120);
                int keepAddress = random.Next(2) == 0 ? Math.Min(6, work.Count) : 0;
                work.RemoveRange(keepAddress, work.Count - keepAddress);
                for (int k = 0; k < length; k++)
                {
                    work.Add(random.Next(3) == 0 ? (byte)random.Next(256) : (byte)"0123456789,.-ABCDEFNSEW*$"[random.Next(25)]);
                }

                break;
            case 10:
                if (FieldBounds(random, work, out start, out end) && FieldBounds(random, work, out int start2, out int end2) && end <= start2)
                {
                    byte[] a = [.. work.GetRange(start, end - start)];
                    byte[] b = [.. work.GetRange(start2, end2 - start2)];
                    work.RemoveRange(start2, end2 - start2);
                    work.InsertRange(start2, a);
                    work.RemoveRange(start, end - start);
                    work.InsertRange(start, b);
                }

                break;
            default:
                // A field from another real sentence of the same position: plausible but mismatched values.
                byte[] other = bases[random.Next(bases.Length)];
                if (FieldBounds(random, work, out start, out end))
                {
                    var donor = new List<byte>(other);
                    if (FieldBounds(random, donor, out int ds, out int de))
                    {
                        work.RemoveRange(start, end - start);
                        work.InsertRange(start, donor.GetRange(ds, de - ds));
                    }
                }

                break;
        }
    }

    private static byte[] RandomValue(Random random) => random.Next(3) switch
    {
        0 => FieldValues[random.Next(FieldValues.Length)],
        1 => Encoding.ASCII.GetBytes(((random.NextDouble() - 0.3) * Math.Pow(10, random.Next(0, 12))).ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
        _ => Encoding.ASCII.GetBytes(random.Next(-1000, 100_000).ToString(System.Globalization.CultureInfo.InvariantCulture)),
    };

    // A random data field (not the address): [start, end) in work, end at the comma or the end.
    private static bool FieldBounds(Random random, List<byte> work, out int start, out int end)
    {
        start = end = 0;
        int commas = 0;
        foreach (byte b in work)
        {
            if (b == (byte)',')
            {
                commas++;
            }
        }

        if (commas == 0)
        {
            return false;
        }

        int target = random.Next(1, commas + 1);
        int seen = 0;
        for (int i = 0; i < work.Count; i++)
        {
            if (work[i] == (byte)',' && ++seen == target)
            {
                start = i + 1;
                end = work.IndexOf((byte)',', start);
                if (end < 0)
                {
                    end = work.Count;
                }

                return true;
            }
        }

        return false;
    }

    private static void CheckReaders(in NmeaSentence s, ReaderCounts counts, List<string> violations)
    {
        bool any = true;
        switch (s.Type)
        {
            case SentenceType.Gga:
                if (any = Gga.TryRead(s, out Gga gga))
                {
                    Position(gga.Latitude, gga.Longitude, "GGA", violations);
                    Finite(violations, "GGA", gga.Hdop, gga.AltitudeMsl, gga.GeoidSeparation, gga.DifferentialAge);
                    Check(gga.Quality is null or (>= GgaQuality.NoFix and <= GgaQuality.Simulator), "GGA quality", violations);
                }

                break;
            case SentenceType.Rmc:
                if (any = Rmc.TryRead(s, out Rmc rmc))
                {
                    Position(rmc.Latitude, rmc.Longitude, "RMC", violations);
                    Finite(violations, "RMC", rmc.SpeedKnots, rmc.CourseDeg, rmc.MagneticVariation);
                    Check(rmc.SpeedKnots is null or >= 0 && rmc.CourseDeg is null or (>= 0 and <= 360), "RMC speed/course", violations);
                }

                break;
            case SentenceType.Gll:
                if (any = Gll.TryRead(s, out Gll gll))
                {
                    Position(gll.Latitude, gll.Longitude, "GLL", violations);
                }

                break;
            case SentenceType.Gns:
                if (any = Gns.TryRead(s, out Gns gns))
                {
                    Position(gns.Latitude, gns.Longitude, "GNS", violations);
                    Finite(violations, "GNS", gns.Hdop, gns.AltitudeMsl, gns.GeoidSeparation, gns.DifferentialAge);
                }

                break;
            case SentenceType.Gsv:
                if (any = Gsv.TryRead(s, out Gsv gsv))
                {
                    Check(gsv.Count is >= 0 and <= 4, "GSV count", violations);
                    for (int i = 0; i < gsv.Count; i++)
                    {
                        GsvSatellite sat = gsv[i];
                        Identity(sat.Id, "GSV", violations);
                        Sky(sat.Elevation, sat.Azimuth, sat.Cn0, "GSV", violations);
                    }
                }

                break;
            case SentenceType.Gsa:
                if (any = Gsa.TryRead(s, out Gsa gsa))
                {
                    Check(gsa.Count is >= 0 and <= Gsa.MaxSlots, "GSA count", violations);
                    for (int i = 0; i < gsa.Count; i++)
                    {
                        Identity(gsa.Satellite(i), "GSA", violations);
                    }

                    Finite(violations, "GSA", gsa.Pdop, gsa.Hdop, gsa.Vdop);
                }

                break;
            case SentenceType.Vtg:
                if (any = Vtg.TryRead(s, out Vtg vtg))
                {
                    Finite(violations, "VTG", vtg.CourseTrueDeg, vtg.CourseMagneticDeg, vtg.SpeedKnots, vtg.SpeedKph, vtg.SpeedMps);
                }

                break;
            case SentenceType.Gst:
                if (any = Gst.TryRead(s, out Gst gst))
                {
                    Finite(violations, "GST", gst.RangeRms, gst.SemiMajor, gst.SemiMinor, gst.Orientation, gst.SigmaLatitude, gst.SigmaLongitude, gst.SigmaAltitude);
                }

                break;
            case SentenceType.Zda:
                if (any = Zda.TryRead(s, out Zda zda))
                {
                    Check(zda.TimeOfDayMs is null or (>= 0 and < 86_401_000), "ZDA time", violations);
                }

                break;
            case SentenceType.Gbs:
                if (any = Gbs.TryRead(s, out Gbs gbs))
                {
                    Finite(violations, "GBS", gbs.ErrorLatitude, gbs.ErrorLongitude, gbs.ErrorAltitude, gbs.Probability, gbs.Bias, gbs.BiasSigma);
                }

                break;
            case SentenceType.Txt:
                any = Txt.TryRead(s, out Txt txt);
                Check(!any || txt.Text.Length <= 256, "TXT text", violations);
                break;
            default:
                return;
        }

        if (any)
        {
            counts.Accepted++;
        }
        else
        {
            counts.Rejected++;
        }
    }

    private static void Check(bool ok, string what, List<string> violations)
    {
        if (!ok && violations.Count < 50)
        {
            violations.Add(what);
        }
    }

    private static void Position(double? lat, double? lon, string what, List<string> violations)
    {
        Check(lat is null or (>= -90 and <= 90) && lon is null or (>= -180 and <= 180), $"{what} position {lat} {lon}", violations);
    }

    private static void Finite(List<string> violations, string what, params double?[] values)
    {
        foreach (double? v in values)
        {
            Check(v is null || double.IsFinite(v.Value), $"{what} value {v}", violations);
        }
    }

    private static void Sky(short? elevation, short? azimuth, short? cn0, string what, List<string> violations)
    {
        Check(elevation is null or (>= -90 and <= 90) && azimuth is null or (>= 0 and <= 360) && cn0 is null or (>= 0 and <= 99),
            $"{what} sky {elevation} {azimuth} {cn0}", violations);
    }

    private static void Identity(SatelliteId id, string what, List<string> violations)
    {
        bool ok = id.Constellation switch
        {
            Constellation.Unknown => id == default,
            Constellation.Gps => id.Svid is >= 1 and <= 32,
            Constellation.Glonass => id.Svid is >= 1 and <= 32,
            Constellation.Galileo => id.Svid is >= 1 and <= 36,
            Constellation.Beidou => id.Svid is >= 1 and <= 63,
            Constellation.Qzss => id.Svid is >= 1 and <= 10,
            Constellation.Navic => id.Svid is >= 1 and <= 14,
            Constellation.Sbas => id.Svid is >= 120 and <= 158,
            _ => false,
        };
        Check(ok, $"{what} satellite {id}", violations);
    }

    private sealed class ReaderCounts
    {
        public long Accepted { get; set; }

        public long Rejected { get; set; }
    }

    private sealed class CheckingSink(List<string> violations) : IEpochSink
    {
        public long Epochs { get; private set; }

        public long SatellitesChecked { get; private set; }

        public void OnPosition(Epoch epoch) => CheckEpoch(epoch);

        public void OnEpoch(Epoch epoch)
        {
            Epochs++;
            CheckEpoch(epoch);
        }

        private void CheckEpoch(Epoch e)
        {
            Position(e.Latitude, e.Longitude, $"epoch {e.Sequence}", violations);
            Check(e.Latitude.HasValue == e.Longitude.HasValue, "epoch half position", violations);
            Finite(violations, "epoch", e.Latitude, e.Longitude, e.AltitudeMsl, e.GeoidSeparation, e.SpeedMps, e.CourseDeg,
                e.Hdop, e.Vdop, e.Pdop, e.SigmaLatitude, e.SigmaLongitude, e.SigmaAltitude, e.DiffAge);
            Check(e.TimeOfDayMs is null or (>= 0 and < 86_401_000), $"epoch time {e.TimeOfDayMs}", violations);
            Check(e.SatelliteCount <= Epoch.MaxSatellites && e.UsedCount <= Epoch.MaxUsed, "epoch counts", violations);
            foreach (SkySatellite s in e.Satellites)
            {
                SatellitesChecked++;
                Check(s.Id.IsKnown, "epoch unknown satellite", violations);
                Identity(s.Id, "epoch sky", violations);
                Sky(s.Elevation, s.Azimuth, s.Cn0, "epoch sky", violations);
                Check(s.Signal is null or <= 15, "epoch signal", violations);
            }

            foreach (SatelliteId id in e.Used)
            {
                Check(id.IsKnown, "epoch unknown used satellite", violations);
                Identity(id, "epoch used", violations);
            }
        }
    }
}
