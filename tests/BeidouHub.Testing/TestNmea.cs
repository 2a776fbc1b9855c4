using System.Buffers;
using System.Globalization;
using System.Text;
using BeidouHub.Receiver.Nmea;

namespace BeidouHub.Testing;

/// <summary>Small helpers to build test input. They compute the NMEA 0183 XOR checksum independently of src.</summary>
public static class TestNmea
{
    /// <summary>"$" + body + "*hh", with the XOR of every body byte (NMEA 0183 §5.2.1).</summary>
    public static string WithChecksum(string body, char start = '$')
    {
        byte xor = 0;
        foreach (char c in body)
        {
            xor ^= (byte)c;
        }

        return start + body + "*" + xor.ToString("X2", CultureInfo.InvariantCulture);
    }

    public static byte[] Bytes(string s) => Encoding.Latin1.GetBytes(s);

    public static string Text(ReadOnlySpan<byte> b) => Encoding.Latin1.GetString(b);

    /// <summary>Parses a string; the sentence points into a fresh array, so it stays valid for the test.</summary>
    public static NmeaSentence Parse(string line)
    {
        bool ok = NmeaSentence.TryParse(Bytes(line), out NmeaSentence s, out NmeaError error);
        Assert.True(ok, $"TryParse failed with {error}: {line}");
        return s;
    }

    /// <summary>Every sentence the framer gives for <paramref name="buffer"/>, then the buffer left over.</summary>
    public static List<string> ReadAll(NmeaFramer framer, ref ReadOnlySequence<byte> buffer, bool isFinalBlock = false)
    {
        var result = new List<string>();
        for (int guard = 0; guard < 100_000; guard++)
        {
            if (!framer.TryReadSentence(ref buffer, out ReadOnlySpan<byte> sentence, isFinalBlock))
            {
                return result;
            }

            result.Add(Text(sentence));
        }

        throw new InvalidOperationException("framer did not stop");
    }

    public static List<string> ReadAll(NmeaFramer framer, byte[] data, bool isFinalBlock = false)
    {
        var buffer = new ReadOnlySequence<byte>(data);
        return ReadAll(framer, ref buffer, isFinalBlock);
    }

    /// <summary>Runs <paramref name="action"/> on a pool thread and fails (instead of hanging the run) when it does not return.</summary>
    public static T WithinSeconds<T>(int seconds, Func<T> action)
    {
        Task<T> task = Task.Run(action);
        Assert.True(task.Wait(TimeSpan.FromSeconds(seconds)), $"did not return within {seconds} s (endless loop?)");
        return task.Result;
    }
}
