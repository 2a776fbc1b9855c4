using System.Globalization;
using System.Text;
using BeidouHub.Receiver.Nmea;

namespace BeidouHub.Receiver.Tests.Nmea;

/// <summary>
/// <see cref="NmeaSentence.TryParse"/> scans 32 bytes at a time with bit masks where the CPU has
/// AVX2, 16 elsewhere (Arm64, the native x64 binary). These tests hold both widths to a plain
/// byte-by-byte scan written here (the NMEA rules, nothing clever) on lines of every length around
/// the block edges, with the star, commas and bad bytes at every position.
/// </summary>
public class NmeaSentenceScanTests
{
    private static readonly byte[] Alphabet = Encoding.ASCII.GetBytes("GPGSA,,,,,,,,0123456789.-ABCDEFNSWE*** $!\u007f\t");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TryParse_RandomLinesOfEveryLength_AgreesWithByteByByteScan(bool wideBlocks)
    {
        var random = new Random(20261127);
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < 100_000; i++)
        {
            byte[] line = RandomLine(random);
            Compare(line, wideBlocks, ref accepted, ref rejected);
        }

        // Both outcomes must have been exercised, or the comparison proves little.
        Assert.True(accepted > 10_000, $"accepted {accepted}");
        Assert.True(rejected > 10_000, $"rejected {rejected}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TryParse_StarCommaAndBadByteAtEveryPositionOfEveryLength_AgreesWithByteByByteScan(bool wideBlocks)
    {
        int accepted = 0;
        int rejected = 0;
        for (int length = 1; length <= 140; length++)
        {
            for (int at = 0; at < length; at++)
            {
                foreach (byte special in "*,\u0001$"u8.ToArray())
                {
                    byte[] body = new byte[length];
                    for (int k = 0; k < length; k++)
                    {
                        body[k] = (byte)(k % 7 == 5 ? ',' : 'A' + (k % 26));
                    }

                    body[at] = special;
                    Compare([(byte)'$', .. body], wideBlocks, ref accepted, ref rejected);
                    Compare(WithChecksum(body), wideBlocks, ref accepted, ref rejected);
                }
            }
        }

        Assert.True(accepted > 1000 && rejected > 1000, $"accepted {accepted}, rejected {rejected}");
    }

    private static void Compare(byte[] line, bool wideBlocks, ref int accepted, ref int rejected)
    {
        bool expected = Reference.TryParse(line, out Reference.Result want);
        bool actual = NmeaSentence.TryParse(line, out NmeaSentence got, out NmeaError error, requireChecksum: false, wideBlocks);
        string shown = Encoding.Latin1.GetString(line);
        Assert.True(expected == actual, $"'{shown}': reference {expected} ({want.Error}), TryParse {actual} ({error})");
        Assert.True(want.Error == error, $"'{shown}': reference {want.Error}, TryParse {error}");
        if (!actual)
        {
            rejected++;
            return;
        }

        accepted++;
        Assert.True(want.Fields.Count - 1 == got.FieldCount, $"'{shown}': {want.Fields.Count - 1} fields, TryParse {got.FieldCount}");
        Assert.Equal(want.HasChecksum, got.HasChecksum);
        for (int f = 0; f < want.Fields.Count; f++)
        {
            Assert.True(got.Field(f).SequenceEqual(want.Fields[f]), $"'{shown}': field {f}");
        }
    }

    private static byte[] RandomLine(Random random)
    {
        int length = random.Next(0, 300);
        byte[] body = new byte[length];
        for (int k = 0; k < length; k++)
        {
            body[k] = random.Next(40) == 0 ? (byte)random.Next(256) : Alphabet[random.Next(Alphabet.Length)];
        }

        // Mostly well-formed bodies (address, no stray '*', '$' or control bytes) so that many are accepted.
        if (random.Next(3) > 0)
        {
            for (int k = 0; k < length; k++)
            {
                if (body[k] is (byte)'*' or (byte)'$' or (byte)'!' or < 0x20 or > 0x7E)
                {
                    body[k] = (byte)',';
                }
            }

            "GNGSA"u8[..Math.Min(5, length)].CopyTo(body);
            return random.Next(2) == 0 ? WithChecksum(body) : [(byte)'$', .. body];
        }

        return [(byte)'$', .. body];
    }

    private static byte[] WithChecksum(byte[] body)
    {
        byte xor = 0;
        foreach (byte b in body)
        {
            xor ^= b;
        }

        return [(byte)'$', .. body, (byte)'*', .. Encoding.ASCII.GetBytes(xor.ToString("X2", CultureInfo.InvariantCulture))];
    }

    /// <summary>The rules, one byte at a time (the parser's first implementation).</summary>
    private static class Reference
    {
        public sealed record Result(NmeaError Error, List<byte[]> Fields, bool HasChecksum);

        public static bool TryParse(byte[] input, out Result result)
        {
            ReadOnlySpan<byte> line = input;
            while (line.Length > 0 && line[^1] is (byte)'\r' or (byte)'\n' or (byte)' ')
            {
                line = line[..^1];
            }

            if (line.Length < 2 || (line[0] != (byte)'$' && line[0] != (byte)'!'))
            {
                return Fail(NmeaError.NoStart, out result);
            }

            ReadOnlySpan<byte> body = line[1..];
            int star = -1;
            int fields = 0;
            byte xor = 0;
            var starts = new List<int> { 0 };
            for (int i = 0; i < body.Length; i++)
            {
                byte b = body[i];
                if (b == (byte)'*')
                {
                    star = i;
                    break;
                }

                if (b < 0x20 || b > 0x7E || b == (byte)'$' || b == (byte)'!')
                {
                    return Fail(NmeaError.InvalidCharacter, out result);
                }

                xor ^= b;
                if (b == (byte)',')
                {
                    if (++fields >= NmeaSentence.MaxFields)
                    {
                        return Fail(NmeaError.TooManyFields, out result);
                    }

                    starts.Add(i + 1);
                }
            }

            int payloadEnd = star < 0 ? body.Length : star;
            starts.Add(payloadEnd + 1);
            bool hasChecksum = false;
            if (star >= 0)
            {
                ReadOnlySpan<byte> hex = body[(star + 1)..];
                if (hex.Length != 2 || !int.TryParse(Encoding.ASCII.GetString(hex), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int sum)
                    || !Uri.IsHexDigit((char)hex[0]) || !Uri.IsHexDigit((char)hex[1]))
                {
                    return Fail(NmeaError.BadChecksumFormat, out result);
                }

                if (sum != xor)
                {
                    return Fail(NmeaError.ChecksumMismatch, out result);
                }

                hasChecksum = true;
            }

            var values = new List<byte[]>();
            for (int f = 0; f <= fields; f++)
            {
                values.Add(body[starts[f]..(starts[f + 1] - 1)].ToArray());
            }

            // The address rules are not the scan's business: let the parser's own classifier decide.
            if (!NmeaSentence.TryClassify(values[0], out _, out _))
            {
                return Fail(NmeaError.BadAddress, out result);
            }

            result = new Result(NmeaError.None, values, hasChecksum);
            return true;
        }

        private static bool Fail(NmeaError error, out Result result)
        {
            result = new Result(error, [], false);
            return false;
        }
    }
}
