using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BeidouHub.Geo;
using BeidouHub.Receiver.Epochs;
using BeidouHub.Receiver.Nmea;
using BeidouHub.Receiver.Satellites;

namespace BeidouHub.Service.Output;

/// <summary>
/// Writes one JSON object per line per complete epoch: the decode record of DESIGN.md
/// (<c>receiver</c>, <c>time</c>, <c>lat</c>, <c>lon</c>, ... <c>satellites</c>). Absent values
/// are written as null, never as zero. Numbers are written at full (round-trip) precision.
/// <para>
/// Written by hand into one buffer, byte for byte what <see cref="Utf8JsonWriter"/> wrote
/// (minified, its default escaping, <see cref="Utf8Formatter"/> numbers; the golden test holds
/// it to that): the names and constant strings are ASCII that needs no escaping, so checking
/// them per epoch was wasted work, and the receiver id, the one free string, is escaped once.
/// No allocation per epoch. Records are handed to the output in blocks of at least
/// <see cref="BlockSize"/> bytes (one <c>write(2)</c> per block, not per epoch), and on
/// <see cref="Flush"/>, which the decode verb calls before it waits for input.
/// </para>
/// </summary>
internal sealed class JsonlEpochWriter : EpochWriter
{
    /// <summary>Bytes gathered before they are written out.</summary>
    public const int BlockSize = 1 << 16;

    // Upper bounds of one record, checked by the span indexing (an overrun throws, never corrupts):
    // a satellite object is at most 102 bytes ({"constellation":"glonass","svid":255,"signal":"F",
    // "el":-32768,"az":-32768,"cn0":-32768,"used":false},); the rest, with 17 numbers of at most
    // 24 bytes, the used counts and the grid, stays under 1.3 KB.
    private const int MaxSatelliteBytes = 128;
    private const int MaxRecordBytesWithoutSatellites = 2048;

    private static readonly byte[][] SatellitePrefixes = BuildSatellitePrefixes();
    private static readonly byte[][] SignalFields = BuildSignalFields();
    private static readonly byte[][] UsedNames = BuildUsedNames();

    // The doubles of the record (lat ... diffAge, northing, easting), each with the text it was
    // last written as; a double's shortest round-trip text is at most 24 bytes (-1.2345678901234567E-308).
    private const int CachedNumbers = 15;
    private const int MaxNumberBytes = 32;

    private readonly ulong[] _lastBits = new ulong[CachedNumbers];
    private readonly byte[] _lastLength = new byte[CachedNumbers];
    private readonly byte[] _lastText = new byte[CachedNumbers * MaxNumberBytes];
    private byte[] _buffer;
    private int _pending;
    private string? _receiver;
    private byte[] _receiverField = [];

    // `,"grid":{"epsg":4547`, or `,"grid":{"epsg":null,"name":"..."` for a grid without an EPSG code: made once.
    private readonly byte[] _gridHead;

    public JsonlEpochWriter(Stream output, IGrid? grid = null)
        : base(output, grid)
    {
        _gridHead = grid is null ? [] : GridHead(grid);
        _buffer = new byte[BlockSize + MaxRecordBytesWithoutSatellites + _gridHead.Length + (Epoch.MaxSatellites * MaxSatelliteBytes)];
    }

    public override void OnEpoch(Epoch epoch)
    {
        byte[] receiverField = ReceiverField(epoch.Receiver);
        int worst = receiverField.Length + MaxRecordBytesWithoutSatellites + _gridHead.Length + (epoch.SatelliteCount * MaxSatelliteBytes);
        if (_buffer.Length - _pending < worst)
        {
            WritePending();
            if (_buffer.Length < worst)
            {
                _buffer = new byte[worst];
            }
        }

        Span<byte> b = _buffer;
        int p = _pending;
        Append(b, ref p, receiverField);
        if (epoch.UtcTime is { } utc)
        {
            Append(b, ref p, ",\"time\":\""u8);
            p += FormatIso(utc, b[p..]);
            b[p++] = (byte)'"';
        }
        else
        {
            Append(b, ref p, ",\"time\":null"u8);
        }

        if (epoch.TimeOfDayMs is { } tod)
        {
            Append(b, ref p, ",\"timeOfDay\":\""u8);
            p += FormatTimeOfDay(tod, b[p..]);
            b[p++] = (byte)'"';
        }
        else
        {
            Append(b, ref p, ",\"timeOfDay\":null"u8);
        }

        Number(b, ref p, ",\"lat\":"u8, epoch.Latitude, 0);
        Number(b, ref p, ",\"lon\":"u8, epoch.Longitude, 1);
        Number(b, ref p, ",\"altMsl\":"u8, epoch.AltitudeMsl, 2);
        Number(b, ref p, ",\"geoidSep\":"u8, epoch.GeoidSeparation, 3);
        Append(b, ref p, ",\"quality\":"u8);
        if (epoch.Quality is { } q)
        {
            Integer(b, ref p, (int)q);
        }
        else
        {
            Append(b, ref p, "null"u8);
        }

        Append(b, ref p, epoch.Mode switch
        {
            FixMode.TwoD => ",\"mode\":\"2d\""u8,
            FixMode.ThreeD => ",\"mode\":\"3d\""u8,
            _ => ",\"mode\":\"no-fix\""u8,
        });
        Append(b, ref p, epoch.Rtk switch
        {
            RtkState.Fixed => ",\"rtk\":\"fixed\""u8,
            RtkState.Float => ",\"rtk\":\"float\""u8,
            _ => ",\"rtk\":\"none\""u8,
        });
        Number(b, ref p, ",\"speedMps\":"u8, epoch.SpeedMps, 4);
        Number(b, ref p, ",\"courseDeg\":"u8, epoch.CourseDeg, 5);
        Number(b, ref p, ",\"hdop\":"u8, epoch.Hdop, 6);
        Number(b, ref p, ",\"vdop\":"u8, epoch.Vdop, 7);
        Number(b, ref p, ",\"pdop\":"u8, epoch.Pdop, 8);
        Number(b, ref p, ",\"sigmaLat\":"u8, epoch.SigmaLatitude, 9);
        Number(b, ref p, ",\"sigmaLon\":"u8, epoch.SigmaLongitude, 10);
        Number(b, ref p, ",\"sigmaAlt\":"u8, epoch.SigmaAltitude, 11);
        Number(b, ref p, ",\"diffAge\":"u8, epoch.DiffAge, 12);
        Append(b, ref p, ",\"diffStation\":"u8);
        if (epoch.DiffStation is { } station)
        {
            Integer(b, ref p, station);
        }
        else
        {
            Append(b, ref p, "null"u8);
        }

        Append(b, ref p, ",\"used\":{"u8);
        bool first = true;
        for (int c = 1; c < ConstellationNames.Count; c++)
        {
            int n = epoch.UsedIn((Constellation)c);
            if (n > 0)
            {
                if (!first)
                {
                    b[p++] = (byte)',';
                }

                first = false;
                Append(b, ref p, UsedNames[c]);
                Integer(b, ref p, n);
            }
        }

        Append(b, ref p, "},\"satellites\":["u8);
        first = true;
        foreach (ref readonly SkySatellite s in epoch.Satellites)
        {
            if (!first)
            {
                b[p++] = (byte)',';
            }

            first = false;
            int c = (int)s.Id.Constellation;
            Append(b, ref p, SatellitePrefixes[c < SatellitePrefixes.Length ? c : 0]);
            Integer(b, ref p, s.Id.Svid);
            Append(b, ref p, SignalFields[s.Signal is { } sig ? sig & 0xF : 16]);
            Number(b, ref p, s.Elevation);
            Append(b, ref p, ",\"az\":"u8);
            Number(b, ref p, s.Azimuth);
            Append(b, ref p, ",\"cn0\":"u8);
            Number(b, ref p, s.Cn0);
            Append(b, ref p, s.Used ? ",\"used\":true}"u8 : ",\"used\":false}"u8);
        }

        b[p++] = (byte)']';
        if (Grid is not null)
        {
            if (GridOf(epoch) is { } g)
            {
                Append(b, ref p, _gridHead);
                Number(b, ref p, ",\"northing\":"u8, g.Northing, 13);
                Number(b, ref p, ",\"easting\":"u8, g.Easting, 14);
                b[p++] = (byte)'}';
            }
            else
            {
                Append(b, ref p, ",\"grid\":null"u8);
            }
        }

        b[p++] = (byte)'}';
        b[p++] = (byte)'\n';
        _pending = p;
        Records++;
        if (p >= BlockSize)
        {
            WritePending();
        }
    }

    public override void Flush()
    {
        WritePending();
        Output.Flush();
    }

    public override void Complete() => WritePending();

    public override void Dispose() => WritePending();

    private void WritePending()
    {
        if (_pending > 0)
        {
            Output.Write(_buffer, 0, _pending);
            _pending = 0;
        }
    }

    // {"receiver":"<id escaped as Utf8JsonWriter escapes it by default>" — once per receiver id.
    private byte[] ReceiverField(string receiver)
    {
        if (!ReferenceEquals(receiver, _receiver))
        {
            ReadOnlySpan<byte> id = JsonEncodedText.Encode(receiver).EncodedUtf8Bytes;
            _receiverField = [.. "{\"receiver\":\""u8, .. id, (byte)'"'];
            _receiver = receiver;
        }

        return _receiverField;
    }

    private static byte[] GridHead(IGrid grid) => grid.Epsg is { } epsg
        ? [.. ",\"grid\":{\"epsg\":"u8, .. Encoding.UTF8.GetBytes(epsg.ToString(CultureInfo.InvariantCulture))]
        : [.. ",\"grid\":{\"epsg\":null,\"name\":\""u8, .. JsonEncodedText.Encode(grid.Name).EncodedUtf8Bytes, (byte)'"'];

    private static void Append(Span<byte> b, ref int p, ReadOnlySpan<byte> text)
    {
        text.CopyTo(b[p..]);
        p += text.Length;
    }

    private void Number(Span<byte> b, ref int p, ReadOnlySpan<byte> name, double? value, int field)
    {
        Append(b, ref p, name);
        if (value is not { } v)
        {
            Append(b, ref p, "null"u8);
            return;
        }

        // A receiver repeats most values from one epoch to the next (DOPs, altitude, geoid
        // separation; a standing receiver its position too): copy the text formatted last time.
        ulong bits = BitConverter.DoubleToUInt64Bits(v);
        Span<byte> last = _lastText.AsSpan(field * MaxNumberBytes, MaxNumberBytes);
        int length = _lastLength[field];
        if (length != 0 && bits == _lastBits[field])
        {
            last[..length].CopyTo(b[p..]);
            p += length;
            return;
        }

        int start = p;
        Number(b, ref p, v);
        b[start..p].CopyTo(last);
        _lastLength[field] = (byte)(p - start);
        _lastBits[field] = bits;
    }

    private static void Number(Span<byte> b, ref int p, double value)
    {
        // As Utf8JsonWriter.WriteNumber: shortest round-trip text; non-finite values are not JSON.
        if (!double.IsFinite(value))
        {
            ThrowNotFinite(value);
        }

        Utf8Formatter.TryFormat(value, b[p..], out int written);
        p += written;
    }

    private static void Number(Span<byte> b, ref int p, short? value)
    {
        if (value is { } v)
        {
            Integer(b, ref p, v);
        }
        else
        {
            Append(b, ref p, "null"u8);
        }
    }

    private static void Integer(Span<byte> b, ref int p, int value)
    {
        // Satellite numbers, angles and C/N0: one to three digits nearly always.
        if ((uint)value < 10)
        {
            b[p++] = (byte)('0' + value);
        }
        else if ((uint)value < 100)
        {
            b[p] = (byte)('0' + (value / 10));
            b[p + 1] = (byte)('0' + (value % 10));
            p += 2;
        }
        else if ((uint)value < 1000)
        {
            b[p] = (byte)('0' + (value / 100));
            b[p + 1] = (byte)('0' + (value / 10 % 10));
            b[p + 2] = (byte)('0' + (value % 10));
            p += 3;
        }
        else
        {
            Utf8Formatter.TryFormat(value, b[p..], out int written);
            p += written;
        }
    }

    /// <summary><c>yyyy-MM-ddTHH:mm:ss.fffZ</c> (the text of <see cref="EpochWriter.Iso"/>), 24 bytes.</summary>
    internal static int FormatIso(DateTime utc, Span<byte> b)
    {
        (int year, int month, int day) = utc;
        long ms = utc.Ticks % TimeSpan.TicksPerDay / TimeSpan.TicksPerMillisecond;
        Digits(b, 0, year, 4);
        b[4] = (byte)'-';
        Digits(b, 5, month, 2);
        b[7] = (byte)'-';
        Digits(b, 8, day, 2);
        b[10] = (byte)'T';
        FormatClock((int)ms, b[11..]);
        b[23] = (byte)'Z';
        return 24;
    }

    /// <summary><c>hh:mm:ss.fff</c> of a time of day (the text of <see cref="EpochWriter.TimeOfDay"/>), 12 bytes.</summary>
    internal static int FormatTimeOfDay(int ms, Span<byte> b)
    {
        if (ms < 0)
        {
            // Not a time of day any receiver sends; the slow path keeps TimeSpan's text for it.
            return Encoding.ASCII.GetBytes(TimeOfDay(ms), b);
        }

        // TimeSpan's hh is the hours component: a leap second's 24:00:00 wraps to 00, as before.
        FormatClock(ms % 86_400_000, b);
        return 12;
    }

    private static void FormatClock(int ms, Span<byte> b)
    {
        Digits(b, 0, ms / 3_600_000, 2);
        b[2] = (byte)':';
        Digits(b, 3, ms / 60_000 % 60, 2);
        b[5] = (byte)':';
        Digits(b, 6, ms / 1000 % 60, 2);
        b[8] = (byte)'.';
        Digits(b, 9, ms % 1000, 3);
    }

    private static void Digits(Span<byte> b, int at, int value, int count)
    {
        for (int i = at + count - 1; i >= at; i--)
        {
            b[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    private static void ThrowNotFinite(double value) =>
        throw new ArgumentException($"{value.ToString(CultureInfo.InvariantCulture)} cannot be written as valid JSON.", nameof(value));

    // {"constellation":"<name>","svid": per Constellation value (0 = unknown).
    private static byte[][] BuildSatellitePrefixes()
    {
        var prefixes = new byte[ConstellationNames.Count][];
        for (int c = 0; c < prefixes.Length; c++)
        {
            prefixes[c] = Encoding.ASCII.GetBytes($"{{\"constellation\":\"{((Constellation)c).ToName()}\",\"svid\":");
        }

        return prefixes;
    }

    // ,"signal":"<hex>","el": per signal id 0-15, and ,"signal":null,"el": at 16.
    private static byte[][] BuildSignalFields()
    {
        var fields = new byte[17][];
        for (int s = 0; s < 16; s++)
        {
            fields[s] = Encoding.ASCII.GetBytes($",\"signal\":\"{SignalIds.ToHex((byte)s)}\",\"el\":");
        }

        fields[16] = ",\"signal\":null,\"el\":"u8.ToArray();
        return fields;
    }

    // "<name>": of the used counts per Constellation value.
    private static byte[][] BuildUsedNames()
    {
        var names = new byte[ConstellationNames.Count][];
        for (int c = 0; c < names.Length; c++)
        {
            names[c] = Encoding.ASCII.GetBytes($"\"{((Constellation)c).ToName()}\":");
        }

        return names;
    }
}
