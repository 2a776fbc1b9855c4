using System.Buffers;
using System.Globalization;
using System.Text;

namespace BeidouHub.Simulator;

/// <summary>
/// Builds one sentence at a time (<c>$</c> + body + <c>*hh</c> + CRLF, checksum as NMEA 0183
/// defines it: XOR of the bytes between <c>$</c> and <c>*</c>) and collects an epoch's lines.
/// The simulator is not the parsing path: it may use strings.
/// </summary>
internal sealed class SentenceBuilder
{
    private readonly StringBuilder _body = new(128);
    private readonly List<string> _lines = new(48);

    public IReadOnlyList<string> Lines => _lines;

    public void Clear() => _lines.Clear();

    public SentenceBuilder Begin(string address)
    {
        _body.Clear().Append(address);
        return this;
    }

    public SentenceBuilder Field(string? value)
    {
        _body.Append(',').Append(value);
        return this;
    }

    public SentenceBuilder Field(int value, string format) => Field(value.ToString(format, CultureInfo.InvariantCulture));

    public SentenceBuilder Field(double value, string format) => Field(value.ToString(format, CultureInfo.InvariantCulture));

    public SentenceBuilder Empty(int count)
    {
        _body.Append(',', count);
        return this;
    }

    public void End() => _lines.Add(Line(_body.ToString()));

    /// <summary><c>$</c> + body + <c>*hh</c>.</summary>
    public static string Line(string body)
    {
        byte xor = 0;
        foreach (char c in body)
        {
            xor ^= (byte)c;
        }

        return "$" + body + "*" + xor.ToString("X2", CultureInfo.InvariantCulture);
    }

    public static void WriteAscii(string text, IBufferWriter<byte> output)
    {
        Span<byte> span = output.GetSpan(text.Length);
        int n = Encoding.Latin1.GetBytes(text, span);
        output.Advance(n);
    }
}
